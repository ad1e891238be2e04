#!/usr/bin/env node
import { freshness, wholePath } from './path.js';
import { bulkInsert, processorRun, syntheticMessages } from './processor.js';
import { log, median, percentile, printTable, startBenchStack } from './util.js';

// `npm run bench`: the walking skeleton's figures, ratios against baselines measured in this run.
// Sizes scale with XRAY_BENCH_SCALE (default 1). Timings are noisy on shared 2-core machines:
// repetitions are interleaved and medians reported.
const scale = Number(process.env.XRAY_BENCH_SCALE ?? 1);
const reps = 3;

process.stdout.write(
  `X-Ray benchmarks — node ${process.version}, ${(await import('node:os')).cpus().length} cores, scale ${scale}\n`
);
const stack = await startBenchStack('skeleton');
try {
  log('warm-up ...');
  await wholePath(stack, 1, 1000);
  await processorRun(stack, syntheticMessages('warm', 5, 1000));

  log('whole path: SDK -> queryable ...');
  const path: { rate: number; lost: number }[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await wholePath(stack, 5 * scale, 10_000);
    path.push({ rate: r.decisions / r.seconds, lost: r.decisions - r.stored });
    log(`  ${r.decisions} decisions in ${r.seconds.toFixed(2)} s, stored ${r.stored}`);
  }

  log('processor vs bulk insert, interleaved ...');
  const proc: number[] = [];
  const bulk: number[] = [];
  for (let i = 0; i < reps; i++) {
    const messages = syntheticMessages(`p${i}`, 20 * scale, 2500);
    const a = await processorRun(stack, messages);
    const b = await bulkInsert(stack, `bench_bulk_${i}`, messages);
    proc.push(a.rows / a.seconds);
    bulk.push(b.rows / b.seconds);
    log(
      `  processor ${a.rows} rows in ${a.seconds.toFixed(2)} s; bulk insert ${b.rows} rows in ${b.seconds.toFixed(2)} s`
    );
  }

  log('freshness: SDK flush -> returned by the query API ...');
  const fresh = await freshness(stack, 40 * scale);

  const lost = path.reduce((n, p) => n + p.lost, 0);
  const procMedian = median(proc);
  const bulkMedian = median(bulk);
  process.stdout.write('\n');
  printTable([
    {
      figure: 'whole path (SDK -> queryable), decisions/s',
      value: median(path.map((p) => p.rate)).toFixed(0),
      goal: `lost = 0 (lost ${lost})`,
      ok: lost === 0,
    },
    {
      figure: 'processor rows/s into ClickHouse (+S3, ack)',
      value: procMedian.toFixed(0),
      baseline: `bulk insert ${bulkMedian.toFixed(0)} rows/s`,
      ratio: procMedian / bulkMedian,
      goal: '>= 0.7x',
      ok: procMedian / bulkMedian >= 0.7,
    },
    {
      figure: 'freshness p50, ms',
      value: percentile(fresh, 50).toFixed(0),
      goal: '<= 1500',
      ok: percentile(fresh, 50) <= 1500,
    },
    {
      figure: 'freshness p99, ms',
      value: percentile(fresh, 99).toFixed(0),
      goal: '<= 3000',
      ok: percentile(fresh, 99) <= 3000,
    },
  ]);
  process.stdout.write(
    `\nwhole path: ${reps} x ${5 * scale} runs x 10,000 decisions, SDK in this process, services as processes on the same 2 cores\n` +
      `processor: ${reps} x ${20 * scale} stream entries x 2,500 decisions, decode + map + S3 PUT per span + inserts into steps, decision_events and item_decisions + ack; ` +
      `baseline: the same rows and compressed objects made beforehand, the same S3 PUTs (8 at a time), then one bulk JSONEachRow insert per table the processor writes, same client, same engine\n` +
      `freshness: ${fresh.length} sequential runs of 100 decisions, polled every 5 ms\n`
  );
} finally {
  await stack.close();
}

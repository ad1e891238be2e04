#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { startCollector } from '@xray/stack';
import { wholePath } from './path.js';
import { type BenchStack, log, median, percentile, printTable, startBenchStack } from './util.js';

// `node bench/dist/collector-route.js`: the collector route (SDK -> otelcol-xray running
// otel/collector/xray-collector.yaml -> receiver) against the direct route (SDK -> receiver), in the
// same run on the same stack, interleaved. Freshness: from the SDK's endRun to the run and its last
// decision being returned by the query API. Throughput: decisions stored per second, SDK start to
// the last row in ClickHouse. Sizes scale with XRAY_BENCH_SCALE (default 1).
const scale = Number(process.env.XRAY_BENCH_SCALE ?? 1);
const reps = 3;

interface Route {
  name: string;
  endpoint: string;
}

/** CPU seconds a process has used (user + system, from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function client(stack: BenchStack, route: Route): XRay {
  return new XRay({
    endpoint: `${route.endpoint}/v1/traces`,
    payloadEndpoint: stack.services.receiverUrl,
    apiKey: stack.services.keys.ingestKey,
    capture: 'full',
  });
}

/** Decisions per second through a route: `runs` runs of one `perStep`-decision step, until all are stored. */
async function throughput(stack: BenchStack, route: Route, runs: number, perStep: number) {
  const r = await wholePath(stack, runs, perStep, route.endpoint);
  return { decisions: r.decisions, lost: r.decisions - r.stored, seconds: r.seconds, rate: r.stored / r.seconds };
}

/** Milliseconds from endRun to the run and its last decision being queryable, one run of 100 decisions. */
async function freshnessSample(stack: BenchStack, xray: XRay, tag: string): Promise<number> {
  const q = stack.services.queryUrl;
  const read = { authorization: `Bearer ${stack.services.keys.readKey}` };
  const items = Array.from({ length: 100 }, (_, j) => ({ id: `${tag}-${j}` }));
  const runId = await xray.startRun('freshness', items);
  await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) => input.map((it) => ({ itemId: it.id, outcome: KEPT, reason: 'ok' })),
    items
  );
  const t0 = performance.now();
  await xray.endRun(runId, undefined);
  await xray.flush();
  let stepId: string | undefined;
  for (;;) {
    if (!stepId && (await fetch(`${q}/v1/runs/${runId}`, { headers: read })).status === 200) {
      const steps = (await (await fetch(`${q}/v1/runs/${runId}/steps`, { headers: read })).json()) as {
        steps?: { stepId: string }[];
      };
      stepId = steps.steps?.[0]?.stepId;
    }
    if (stepId) {
      const page = (await (
        await fetch(`${q}/v1/steps/${stepId}/decisions?limit=1&itemId=${tag}-99`, { headers: read })
      ).json()) as { decisions?: unknown[] };
      if (page.decisions?.length) return performance.now() - t0;
    }
    if (performance.now() - t0 > 30_000) throw new Error('freshness sample timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

process.stdout.write(`X-Ray collector route vs direct — node ${process.version}, scale ${scale}\n`);
const stack = await startBenchStack('collector');
log('otelcol-xray: node otel/collector/build.mjs (minutes on a first build) ...');
const collector = await startCollector({
  receiverUrl: stack.services.receiverUrl,
  ingestKey: stack.services.keys.ingestKey,
});
const routes: Route[] = [
  { name: 'direct', endpoint: stack.services.receiverUrl },
  { name: 'collector', endpoint: collector.otlpHttpUrl },
];
try {
  log('warm-up ...');
  for (const route of routes) await throughput(stack, route, 1, 1000);

  log('throughput, interleaved direct / collector ...');
  const rates: Record<string, number[]> = { direct: [], collector: [] };
  let lost = 0;
  let collectorCpu = 0;
  let collectorDecisions = 0;
  for (let i = 0; i < reps; i++) {
    for (const route of routes) {
      const cpu0 = cpuSeconds(collector.pid);
      const r = await throughput(stack, route, 5 * scale, 10_000);
      if (route.name === 'collector') {
        collectorCpu += cpuSeconds(collector.pid) - cpu0;
        collectorDecisions += r.decisions;
      }
      rates[route.name]!.push(r.rate);
      lost += r.lost;
      log(`  ${route.name}: ${r.decisions} decisions in ${r.seconds.toFixed(2)} s, lost ${r.lost}`);
    }
  }

  log('freshness, interleaved direct / collector ...');
  const fresh: Record<string, number[]> = { direct: [], collector: [] };
  const clients = routes.map((route) => client(stack, route));
  for (let i = 0; i < 20 * scale; i++)
    for (const [k, route] of routes.entries())
      fresh[route.name]!.push(await freshnessSample(stack, clients[k]!, `${route.name}-${i}`));
  for (const c of clients) await c.shutdown();

  const rate = (name: string) => median(rates[name]!);
  const p = (name: string, q: number) => percentile(fresh[name]!, q);
  process.stdout.write('\n');
  printTable([
    {
      figure: 'throughput via collector, decisions/s stored',
      value: rate('collector').toFixed(0),
      baseline: `direct ${rate('direct').toFixed(0)}/s`,
      ratio: rate('collector') / rate('direct'),
      goal: `lost = 0 (lost ${lost})`,
      ok: lost === 0,
    },
    {
      figure: 'freshness via collector p50, ms',
      value: p('collector', 50).toFixed(0),
      baseline: `direct ${p('direct', 50).toFixed(0)} ms`,
      ratio: p('collector', 50) / p('direct', 50),
      goal: '<= 1500',
      ok: p('collector', 50) <= 1500,
    },
    {
      figure: 'freshness via collector p99, ms',
      value: p('collector', 99).toFixed(0),
      baseline: `direct ${p('direct', 99).toFixed(0)} ms`,
      ratio: p('collector', 99) / p('direct', 99),
      goal: '<= 3000',
      ok: p('collector', 99) <= 3000,
    },
    {
      figure: 'collector CPU per 10k decisions, ms',
      value: ((collectorCpu / collectorDecisions) * 10_000 * 1000).toFixed(0),
    },
  ]);
  process.stdout.write(
    `\nthroughput: ${reps} x ${5 * scale} runs x 10,000 decisions (capture full) per route, interleaved, median; ` +
      `SDK in this process, services and collector as processes on the same cores\n` +
      `freshness: ${20 * scale} sequential runs of 100 decisions per route, interleaved, from endRun to the last decision returned, polled every 5 ms (p99 of 20: the slowest)\n` +
      `collector: otelcol-xray 0.161.0 (${collector.binary}) running otel/collector/xray-collector.yaml (batch/xray: 200 ms, 16-32 spans; gzip)\n`
  );
} finally {
  await collector.stop();
  await stack.close();
}

#!/usr/bin/env node
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { freePort } from '@xray/stack';
import { wholePath } from './path.js';
import { type BenchStack, log, median, percentile, printTable, startBenchStack } from './util.js';

// `node bench/dist/collector-route.js`: the collector route (SDK -> otelcol-xray running
// otel/collector/xray-collector.yaml -> receiver) against the direct route (SDK -> receiver), in the
// same run on the same stack, interleaved. Freshness: from the SDK's endRun to the run and its last
// decision being returned by the query API. Throughput: decisions stored per second, SDK start to
// the last row in ClickHouse. Sizes scale with XRAY_BENCH_SCALE (default 1).
const scale = Number(process.env.XRAY_BENCH_SCALE ?? 1);
const reps = 3;
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Route {
  name: string;
  endpoint: string;
}

/** otelcol-xray (built or cached by otel/collector/build.mjs) with the repository's config. */
async function startCollector(stack: BenchStack) {
  log('otelcol-xray: node otel/collector/build.mjs (minutes on a first build) ...');
  const binary = execFileSync(process.execPath, [`${root}otel/collector/build.mjs`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1)!;
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(binary, ['--config', `${root}otel/collector/xray-collector.yaml`], {
    env: {
      PATH: process.env.PATH,
      XRAY_RECEIVER_ENDPOINT: stack.services.receiverUrl,
      XRAY_INGEST_KEY: stack.services.keys.ingestKey,
      XRAY_COLLECTOR_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      XRAY_COLLECTOR_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      XRAY_COLLECTOR_METRICS_PORT: String(metrics),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('Everything is ready')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`otelcol-xray did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${http}`,
    /** CPU seconds the collector has used (user + system, from /proc). */
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    version: binary,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
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
const collector = await startCollector(stack);
const routes: Route[] = [
  { name: 'direct', endpoint: stack.services.receiverUrl },
  { name: 'collector', endpoint: collector.url },
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
      const cpu0 = collector.cpuSeconds();
      const r = await throughput(stack, route, 5 * scale, 10_000);
      if (route.name === 'collector') {
        collectorCpu += collector.cpuSeconds() - cpu0;
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
      `collector: otelcol-xray 0.161.0 (${collector.version}) running otel/collector/xray-collector.yaml (batch/xray: 200 ms, 16-32 spans; gzip)\n`
  );
} finally {
  await collector.stop();
  await stack.close();
}

#!/usr/bin/env node
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import * as C from '@xray/otel';
import { type Decision, XRay, XRStepType } from '@xray/sdk';
import { freePort } from '@xray/stack';
import { log, median, printTable } from './util.js';

// `npm run bench:sdk`: what recording decisions costs the host, as ratios against bare OpenTelemetry
// measured in the same run. Run with --expose-gc for the memory figures.
const N = 100_000;
const REPS = 7;

/** An exporter that accepts everything at once: measures recording, not the network. */
const discard: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
};

const decisions: Decision<unknown>[] = Array.from({ length: N }, (_, i) => ({
  itemId: `item-${i}`,
  outcome: i % 3 ? C.Outcomes.KEPT : C.Outcomes.ELIMINATED,
  reason: i % 3 ? 'passes' : 'Missing required keywords: security',
  score: i / N,
}));
const attributes = decisions.map((d) => ({
  [C.ATTR_XRAY_DECISION_ITEM_ID]: String(d.itemId),
  [C.ATTR_XRAY_DECISION_OUTCOME]: d.outcome,
  [C.ATTR_XRAY_DECISION_REASON]: d.reason ?? '',
  [C.ATTR_XRAY_DECISION_SCORE]: d.score ?? 0,
}));

/** Baseline: bare span.addEvent with the same attributes, on a provider whose event limit holds them all. */
function bareAddEvent(): number {
  const provider = new BasicTracerProvider({ spanLimits: { eventCountLimit: N } });
  const span = provider.getTracer('bench').startSpan('step');
  const t = performance.now();
  for (const a of attributes) span.addEvent(C.EVENT_XRAY_DECISION, a);
  const elapsed = performance.now() - t;
  span.end();
  return (elapsed * 1000) / N;
}

async function xrayStep(capture: C.CaptureLevel): Promise<number> {
  const xray = new XRay({ exporter: discard, capture });
  const runId = await xray.startRun('bench', undefined);
  const t = performance.now();
  await xray.step(runId, XRStepType.FILTER, 'filter', () => decisions, undefined);
  const elapsed = performance.now() - t;
  await xray.endRun(runId, undefined);
  await xray.shutdown();
  return (elapsed * 1000) / N;
}

async function costs(): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = { bare: [], full: [], sampled: [], metrics_only: [] };
  for (let i = 0; i < 2; i++) {
    bareAddEvent();
    for (const level of Object.values(C.CaptureLevels)) await xrayStep(level);
  }
  for (let r = 0; r < REPS; r++) {
    samples.bare!.push(bareAddEvent());
    for (const level of Object.values(C.CaptureLevels)) samples[level]!.push(await xrayStep(level));
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** p99 event-loop delay (ms) of a process serving HTTP, optionally while X-Ray records 100k decisions/s to a dead endpoint. */
async function loopDelay(withXRay: boolean, seconds: number): Promise<{ p99: number; served: number }> {
  const server = createServer((_req, res) => res.end('ok'));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const deadPort = await freePort(); // nothing listens here: the receiver is unreachable
  const xray = withXRay
    ? new XRay({ endpoint: `http://127.0.0.1:${deadPort}/v1/traces`, flushTimeoutMillis: 1000 })
    : undefined;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let served = 0;
  let running = true;
  const client = (async () => {
    while (running) {
      await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      served++;
    }
  })();
  const batch = decisions.slice(0, 1000);
  const producer = xray
    ? setInterval(() => {
        void xray.startRun('load', undefined).then(async (runId) => {
          await xray.step(runId, XRStepType.FILTER, 'filter', () => batch, undefined);
          await xray.endRun(runId, undefined);
        });
      }, 10)
    : undefined;
  histogram.enable();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  histogram.disable();
  running = false;
  if (producer) clearInterval(producer);
  await client;
  await xray?.shutdown();
  await new Promise((r) => server.close(r));
  return { p99: histogram.percentile(99) / 1e6, served };
}

/**
 * Memory retained per decision held by the SDK while the receiver is unreachable: JS heap plus
 * Buffers (a batch being sent or retried is held as encoded protobuf, outside the heap).
 */
const retainedBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
async function memoryPerDecision(): Promise<{ xray: number; bare: number; stats: unknown } | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const count = 50_000; // held at once, under the default queue caps
  gc();
  let before = retainedBytes();
  const provider = new BasicTracerProvider({ spanLimits: { eventCountLimit: count } });
  const span = provider.getTracer('bench').startSpan('step');
  for (let i = 0; i < count; i++) span.addEvent(C.EVENT_XRAY_DECISION, { ...attributes[i % N] });
  gc();
  const bare = (retainedBytes() - before) / count;
  span.end();
  const many = Array.from({ length: count }, (_, i) => decisions[i % N]!);
  gc();
  before = retainedBytes();
  const deadPort = await freePort();
  const xray = new XRay({
    endpoint: `http://127.0.0.1:${deadPort}/v1/traces`,
    capture: C.CaptureLevels.FULL,
    flushTimeoutMillis: 500,
  });
  const runId = await xray.startRun('memory', undefined);
  await xray.step(runId, XRStepType.FILTER, 'filter', () => many, undefined);
  await xray.endRun(runId, undefined);
  // Once an export has been tried, a batch is held both as spans and as encoded protobuf: the peak.
  await new Promise((r) => setTimeout(r, 500));
  gc();
  const retained = (retainedBytes() - before) / count;
  const stats = xray.stats();
  await xray.shutdown();
  return { xray: retained, bare, stats };
}

process.stdout.write(`X-Ray SDK benchmarks — node ${process.version}, ${N} decisions per step, median of ${REPS}\n`);
// Memory first: garbage left by the other measurements would blur it.
log('memory ...');
const memory = await memoryPerDecision();
log('cost per decision ...');
const c = await costs();
log('event-loop delay, 3 s without and 3 s with X-Ray at 100k decisions/s, receiver unreachable ...');
const quiet = await loopDelay(false, 3);
const busy = await loopDelay(true, 3);
process.stdout.write('\n');
const ratio = (level: string) => c[level]! / c.bare!;
printTable([
  { figure: 'bare span.addEvent, µs/decision', value: c.bare!.toFixed(2) },
  {
    figure: 'full, µs/decision',
    value: c.full!.toFixed(2),
    baseline: 'bare addEvent',
    ratio: ratio('full'),
    goal: '<= 2x',
    ok: ratio('full') <= 2,
  },
  {
    figure: 'sampled, µs/decision',
    value: c.sampled!.toFixed(2),
    baseline: 'bare addEvent',
    ratio: ratio('sampled'),
    goal: '<= 0.5x',
    ok: ratio('sampled') <= 0.5,
  },
  {
    figure: 'metrics_only, µs/decision',
    value: c.metrics_only!.toFixed(2),
    baseline: 'bare addEvent',
    ratio: ratio('metrics_only'),
    goal: '<= 0.2x',
    ok: ratio('metrics_only') <= 0.2,
  },
  {
    figure: 'event-loop delay p99, ms (HTTP host + X-Ray)',
    value: busy.p99.toFixed(2),
    baseline: `without X-Ray ${quiet.p99.toFixed(2)} ms`,
    goal: '<= +2 ms',
    ok: busy.p99 - quiet.p99 <= 2,
  },
  ...(memory
    ? [
        {
          figure: 'memory per buffered decision (heap + buffers), B',
          value: memory.xray.toFixed(0),
          baseline: `bare OTel event ${memory.bare.toFixed(0)} B`,
          ratio: memory.xray / memory.bare,
          goal: '<= 2x',
          ok: memory.xray / memory.bare <= 2,
        },
      ]
    : []),
]);
process.stdout.write(`\nrequests served in 3 s: ${quiet.served} without X-Ray, ${busy.served} with\n`);
if (memory)
  process.stdout.write(
    `SDK stats after buffering 50,000 decisions with the receiver unreachable: ${JSON.stringify(memory.stats)}\n`
  );

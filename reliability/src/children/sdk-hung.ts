#!/usr/bin/env node
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Decision, ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';

// Child of the sdk-never-blocks test: `node --expose-gc sdk-hung.js <endpoint> <seconds>`. Records
// decisions for a while against an endpoint that accepts connections and never answers, then shuts
// the SDK down, and prints one REPORT line of JSON. It should exit on its own right after.
const [endpoint = '', secondsArg = '6'] = process.argv.slice(2);
const SECONDS = Number(secondsArg);
const MAX_QUEUE_BYTES = 8 * 1024 * 1024;
const FLUSH_TIMEOUT_MILLIS = 1500;
const DECISIONS_PER_SECOND = 20_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => bytes / 1024 / 1024;

const xray = new XRay({
  endpoint,
  capture: 'full',
  maxQueueBytes: MAX_QUEUE_BYTES,
  exportTimeoutMillis: 2000,
  flushTimeoutMillis: FLUSH_TIMEOUT_MILLIS,
});
const delay = monitorEventLoopDelay({ resolution: 5 });
gc();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
delay.enable();

const payload = 'x'.repeat(160);
let decisions = 0;
let runs = 0;
let heapAtThird = NaN;
const started = Date.now();
while (Date.now() - started < SECONDS * 1000) {
  if (Number.isNaN(heapAtThird) && Date.now() - started > (SECONDS * 1000) / 3) {
    gc();
    heapAtThird = process.memoryUsage().heapUsed;
  }
  await xray.run(`hung-${runs}`, undefined, async (runId) =>
    xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      async (_input: undefined, record: (d: Decision) => void) => {
        for (let i = 0; i < 2000; i++) {
          record({
            itemId: `r${runs}-i${i}`,
            outcome: i % 3 ? KEPT : ELIMINATED,
            reason: `reason ${i % 7}`,
            input: { i, payload },
          });
          decisions++;
          // A host that yields often: any long pause measured is the SDK's.
          if (i % 200 === 199) await new Promise((r) => setImmediate(r));
        }
      },
      undefined
    )
  );
  runs++;
  // Paced at 20k decisions/s (a busy pipeline; 5x the queue bound in 6 s), leaving the host idle
  // between runs: a long pause measured is X-Ray's work, not a saturated CPU.
  const due = started + (decisions / DECISIONS_PER_SECOND) * 1000;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
}
delay.disable();
gc();
const recorded = process.memoryUsage();
const shutdownStarted = Date.now();
const shutdownResult = await xray.shutdown();
const shutdownMillis = Date.now() - shutdownStarted;
clearInterval(sampler);
const stats = xray.stats();
process.stdout.write(
  `REPORT ${JSON.stringify({
    decisions,
    p99LoopDelayMs: delay.percentile(99) / 1e6,
    maxLoopDelayMs: delay.max / 1e6,
    heapGrowthMb: mb(recorded.heapUsed - baseline.heapUsed),
    heapGrowthLastTwoThirdsMb: mb(recorded.heapUsed - heapAtThird),
    maxQueueMb: mb(MAX_QUEUE_BYTES),
    peakRssGrowthMb: mb(peakRss - baseline.rss),
    shutdownMillis,
    shutdownResult,
    flushTimeoutMillis: FLUSH_TIMEOUT_MILLIS,
    spansDropped: stats.spansDropped,
    decisionsDroppedQueueFull: stats.decisionsDropped.queueFull,
  })}\n`
);

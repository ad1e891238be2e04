import { freePort } from '@xray/stack';
import { FaultProxy } from '../proxy.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { runChild } from './child.js';

interface HungReport {
  decisions: number;
  p99LoopDelayMs: number;
  maxLoopDelayMs: number;
  heapGrowthMb: number;
  heapGrowthLastTwoThirdsMb: number;
  maxQueueMb: number;
  peakRssGrowthMb: number;
  shutdownMillis: number;
  shutdownResult: boolean;
  flushTimeoutMillis: number;
  spansDropped: number;
}

const SECONDS = 6;
/** Event-loop delay p99 a host may see while X-Ray records (its own work between yields included). */
const MAX_P99_LOOP_DELAY_MS = 50;
/** Once the export queue is full, the heap must stop growing: at most this much more over the last two thirds. */
const MAX_LATE_HEAP_GROWTH_MB = 24;
const SHUTDOWN_SLACK_MILLIS = 500;
/** The child must exit on its own soon after shutdown (X-Ray keeps no process alive). */
const MAX_EXIT_MILLIS = 3000;

/**
 * The receiver accepts connections and never answers (the fault proxy as a blackhole). A child
 * process records decisions for 6 s: its event loop keeps turning, its memory stops growing once
 * the export queue is full (spans are dropped and counted), shutdown returns within its timeout,
 * and the process exits on its own.
 */
export const sdkNeverBlocks: ReliabilityTest = {
  name: 'sdk-never-blocks',
  timeoutSeconds: 60,
  async run(ctx) {
    const hole = await FaultProxy.start({ targetPort: await freePort(), mode: 'blackhole' });
    ctx.defer(() => hole.close());
    const child = await runChild<HungReport>(
      'sdk-hung.js',
      [`${hole.url}/v1/traces`, String(SECONDS)],
      ctx.log,
      50_000
    );
    const r = child.report;
    const v = new Verdict().set({
      decisions: r?.decisions ?? 0,
      p99_loop_delay_ms: r?.p99LoopDelayMs ?? NaN,
      max_loop_delay_ms: r?.maxLoopDelayMs ?? NaN,
      heap_growth_mb: r?.heapGrowthMb ?? NaN,
      late_heap_growth_mb: r?.heapGrowthLastTwoThirdsMb ?? NaN,
      peak_rss_growth_mb: r?.peakRssGrowthMb ?? NaN,
      spans_dropped: r?.spansDropped ?? NaN,
      shutdown_ms: r?.shutdownMillis ?? NaN,
      exit_after_ms: child.exitAfterReportMillis,
      connections: hole.stats.connections,
    });
    return v
      .require(r !== undefined, `the child printed no report (exit ${child.code})`)
      .require(hole.stats.connections > 0, 'the SDK never connected: the hung endpoint was not exercised')
      .require(
        (r?.p99LoopDelayMs ?? Infinity) <= MAX_P99_LOOP_DELAY_MS,
        `event-loop delay p99 ${r?.p99LoopDelayMs.toFixed(1)} ms > ${MAX_P99_LOOP_DELAY_MS} ms`
      )
      .require(
        (r?.heapGrowthLastTwoThirdsMb ?? Infinity) <= MAX_LATE_HEAP_GROWTH_MB,
        `heap kept growing: +${r?.heapGrowthLastTwoThirdsMb.toFixed(1)} MB after the queue filled`
      )
      .require(
        (r?.spansDropped ?? 0) > 0,
        'no span was dropped: the queue bound was never reached, memory bound not shown'
      )
      .require(
        r !== undefined && r.shutdownMillis <= r.flushTimeoutMillis + SHUTDOWN_SLACK_MILLIS,
        `shutdown took ${r?.shutdownMillis} ms (timeout ${r?.flushTimeoutMillis} ms)`
      )
      .require(
        child.exitAfterReportMillis <= MAX_EXIT_MILLIS,
        `the process stayed alive ${child.exitAfterReportMillis} ms after shutdown`
      )
      .result();
  },
};

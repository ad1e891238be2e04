import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EVENT_XRAY_DECISION } from '@xray/otel';
import { QueueBudget } from './budget.js';
import { estimateSpanBytes } from './size.js';
import type { XRayStats } from './types.js';
import type { Warn } from './warn.js';

/** Settings of {@link BoundedBatchProcessor}. */
export interface BoundedBatchOptions {
  /** Most spans queued; beyond it spans are dropped and counted. */
  maxQueueSpans: number;
  /** Most estimated bytes queued; beyond it spans are dropped and counted. */
  maxQueueBytes: number;
  /** Estimated bytes per export request; a larger single span goes alone. */
  maxExportBytes: number;
  /** Most spans per export request. */
  maxExportSpans: number;
  /** Delay before exporting a partial batch. */
  scheduledDelayMillis: number;
  /** An export whose callback has not come by then counts as failed; the next one may start. */
  exportTimeoutMillis: number;
  /**
   * Where queued bytes are taken from, when shared with other pending work (X-Ray's payload
   * uploads). Default: a budget of `maxQueueBytes` of its own.
   */
  budget?: QueueBudget;
}

interface Queued {
  span: ReadableSpan;
  bytes: number;
}

/**
 * A batching span processor bounded by span count AND estimated bytes (OpenTelemetry's
 * BatchSpanProcessor counts spans only, and one X-Ray span may hold 1000 decisions). It exports one
 * request at a time, each cut by `maxExportBytes`, on an unref'd timer so it never keeps the process
 * alive; when full it drops the new span and counts it, so the host's memory stays bounded. Its
 * queued bytes count against a {@link QueueBudget} it may share with X-Ray's payload uploads.
 */
export class BoundedBatchProcessor implements SpanProcessor {
  #queue: Queued[] = [];
  #head = 0;
  #queuedBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<boolean> | undefined;
  #closed = false;
  readonly #exporter: SpanExporter;
  readonly #opts: BoundedBatchOptions;
  readonly #budget: QueueBudget;
  readonly #stats: XRayStats;
  readonly #warn: Warn;

  constructor(exporter: SpanExporter, opts: BoundedBatchOptions, stats: XRayStats, warn: Warn) {
    this.#exporter = exporter;
    this.#opts = opts;
    this.#budget = opts.budget ?? new QueueBudget(opts.maxQueueBytes);
    this.#stats = stats;
    this.#warn = warn;
  }

  /** Spans and estimated bytes waiting for export (for tests and stats). */
  get pending(): { spans: number; bytes: number } {
    return { spans: this.#queue.length - this.#head, bytes: this.#queuedBytes };
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#closed) return this.#drop(span, 'afterShutdown');
    const bytes = estimateSpanBytes(span);
    if (
      this.pending.spans >= this.#opts.maxQueueSpans ||
      this.#queuedBytes + bytes > this.#opts.maxQueueBytes ||
      !this.#budget.takeForSpan(bytes)
    ) {
      this.#warn('queue_full', 'export queue full (receiver slow or unreachable); dropping spans');
      return this.#drop(span, 'queueFull');
    }
    this.#queue.push({ span, bytes });
    this.#queuedBytes += bytes;
    const full = this.pending.spans >= this.#opts.maxExportSpans || this.#queuedBytes >= this.#opts.maxExportBytes;
    this.#schedule(full ? 0 : this.#opts.scheduledDelayMillis);
  }

  /** Exports everything queued; rejects when some of it could not be exported. */
  async forceFlush(): Promise<void> {
    if (!(await this.drain())) throw new Error('X-Ray: some spans could not be exported');
  }

  /** Exports everything queued, one request after another. Resolves true when all of it succeeded. */
  async drain(): Promise<boolean> {
    let ok = true;
    while (this.#inflight || this.pending.spans > 0) {
      ok = (await (this.#inflight ?? this.#exportNext())) && ok;
    }
    return ok;
  }

  /** Stops accepting spans, exports what is queued and shuts the exporter down. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const ok = await this.drain();
    await this.#exporter.shutdown();
    if (!ok) throw new Error('X-Ray: some spans could not be exported');
  }

  #schedule(delay: number): void {
    if (this.#inflight || (this.#timer && delay > 0)) return; // the running export reschedules itself
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#exportNext();
    }, delay);
    this.#timer.unref(); // pending telemetry must never keep the host process alive
  }

  #exportNext(): Promise<boolean> {
    if (this.#inflight) return this.#inflight;
    const batch = this.#takeBatch();
    if (batch.spans.length === 0) return Promise.resolve(true);
    const run = this.#send(batch.spans).then((result) => {
      this.#settle(batch, result);
      return result.code === ExportResultCode.SUCCESS;
    });
    this.#inflight = run.finally(() => {
      this.#inflight = undefined;
      if (this.pending.spans > 0 && !this.#closed) {
        const full = this.pending.spans >= this.#opts.maxExportSpans || this.#queuedBytes >= this.#opts.maxExportBytes;
        this.#schedule(full ? 0 : this.#opts.scheduledDelayMillis);
      }
    });
    return this.#inflight;
  }

  #takeBatch(): { spans: ReadableSpan[]; bytes: number } {
    const spans: ReadableSpan[] = [];
    let bytes = 0;
    while (this.#head < this.#queue.length && spans.length < this.#opts.maxExportSpans) {
      const next = this.#queue[this.#head]!;
      if (spans.length > 0 && bytes + next.bytes > this.#opts.maxExportBytes) break;
      spans.push(next.span);
      bytes += next.bytes;
      this.#head++;
    }
    this.#queuedBytes -= bytes;
    this.#budget.release(bytes);
    // Compact now and then so the array does not grow with everything ever queued.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return { spans, bytes };
  }

  #send(spans: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ code: ExportResultCode.FAILED, error: new Error('X-Ray export timed out') }),
        this.#opts.exportTimeoutMillis
      );
      timer.unref();
      const done = (result: ExportResult): void => {
        clearTimeout(timer);
        resolve(result);
      };
      try {
        this.#exporter.export(spans, done);
      } catch (err) {
        done({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      }
    });
  }

  #settle(batch: { spans: ReadableSpan[]; bytes: number }, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.#stats.spansExported += batch.spans.length;
      this.#stats.bytesSent += batch.bytes;
      return;
    }
    this.#stats.exportFailures++;
    this.#warn('export_failure', 'export to the X-Ray receiver failed; its spans are dropped', result.error);
    for (const span of batch.spans) this.#drop(span, 'exportFailed');
  }

  #drop(span: ReadableSpan, cause: 'queueFull' | 'exportFailed' | 'afterShutdown'): void {
    this.#stats.spansDropped++;
    let decisions = 0;
    for (const event of span.events) if (event.name === EVENT_XRAY_DECISION) decisions++;
    this.#stats.decisionsDropped[cause] += decisions;
  }
}

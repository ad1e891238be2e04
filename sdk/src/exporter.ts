import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * Rough protobuf cost of a span and of an event beyond their attribute strings (ids, timestamps,
 * field tags, status). Overestimating slightly is the safe side.
 */
const SPAN_OVERHEAD_BYTES = 160;
const EVENT_OVERHEAD_BYTES = 24;
/** Per attribute: key/value framing; numbers and booleans are at most 8 bytes of payload. */
const ATTRIBUTE_OVERHEAD_BYTES = 8;

/** Estimated encoded size of some attributes: key and string lengths plus framing. */
export function estimateAttributesBytes(attributes: Attributes): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key];
    bytes += key.length + ATTRIBUTE_OVERHEAD_BYTES;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) {
      for (const item of value) bytes += typeof item === 'string' ? item.length + 2 : 9;
    } else bytes += 8;
  }
  return bytes;
}

/**
 * Estimated OTLP protobuf size of a span. It counts UTF-16 units, not UTF-8 bytes, so non-ASCII
 * text can be up to 3x larger on the wire: budgets built on it must leave that headroom.
 */
export function estimateSpanBytes(span: ReadableSpan): number {
  let bytes = SPAN_OVERHEAD_BYTES + span.name.length + estimateAttributesBytes(span.attributes);
  for (const event of span.events) {
    bytes += EVENT_OVERHEAD_BYTES + event.name.length;
    if (event.attributes) bytes += estimateAttributesBytes(event.attributes);
  }
  for (const link of span.links) {
    bytes += SPAN_OVERHEAD_BYTES / 2;
    if (link.attributes) bytes += estimateAttributesBytes(link.attributes);
  }
  return bytes;
}

/**
 * Splits spans, in order, into groups whose estimated size stays within `maxBytes`. A single span
 * larger than the budget gets a group of its own (X-Ray's recorder keeps its spans under it).
 */
export function splitByBytes(spans: readonly ReadableSpan[], maxBytes: number): ReadableSpan[][] {
  const groups: ReadableSpan[][] = [];
  let current: ReadableSpan[] = [];
  let currentBytes = 0;
  for (const span of spans) {
    const bytes = estimateSpanBytes(span);
    if (current.length > 0 && currentBytes + bytes > maxBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(span);
    currentBytes += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Called once per export request the splitter makes, with its outcome. */
export type ExportObserver = (result: ExportResult, spanCount: number) => void;

/**
 * A `SpanExporter` that keeps every export request under a byte budget. The batch span processor
 * counts spans, not bytes, so one batch of decision-heavy spans could exceed the receiver's 20 MiB
 * body cap; this wrapper cuts each batch into sub-batches by estimated size and exports them one
 * after another, reporting failure if any of them failed.
 */
export class ByteBudgetExporter implements SpanExporter {
  /**
   * @param inner the exporter that sends each sub-batch (OTLP, or in-memory in tests)
   * @param maxBytes estimated byte budget of one sub-batch
   * @param observe optional callback told about every sub-batch result
   */
  constructor(
    private readonly inner: SpanExporter,
    private readonly maxBytes: number,
    private readonly observe?: ExportObserver,
  ) {}

  /** Exports `spans` in byte-bounded sub-batches, sequentially; `done` gets one combined result. */
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    void this.exportGroups(splitByBytes(spans, this.maxBytes)).then(done);
  }

  private async exportGroups(groups: ReadableSpan[][]): Promise<ExportResult> {
    let failure: ExportResult | undefined;
    // Sequential on purpose: concurrent requests would multiply the bytes in flight. A failed
    // sub-batch does not stop the others; a partial delivery loses less than none.
    for (const group of groups) {
      const result = await this.exportOne(group);
      try {
        this.observe?.(result, group.length);
      } catch {
        // an observer's bug must not break exporting
      }
      if (result.code !== ExportResultCode.SUCCESS) failure ??= result;
    }
    return failure ?? { code: ExportResultCode.SUCCESS };
  }

  private exportOne(group: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => {
      try {
        this.inner.export(group, resolve);
      } catch (err) {
        resolve({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      }
    });
  }

  /** Shuts the wrapped exporter down. */
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  /** Flushes the wrapped exporter, if it buffers. */
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

import type { HrTime } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

/** `time` moved back by `ageMillis` (an HrTime: whole seconds and nanoseconds within the second). */
export function hrTimeBefore(time: HrTime, ageMillis: number): HrTime {
  const nanos = BigInt(time[0]) * NANOS_PER_SECOND + BigInt(time[1]) - BigInt(ageMillis) * NANOS_PER_MILLI;
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

/** A copy of `span` recorded `ageMillis` earlier: its start, end and every event's time moved back; all else the same. */
export function agedSpan(span: ReadableSpan, ageMillis: number): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: hrTimeBefore(span.startTime, ageMillis),
    endTime: hrTimeBefore(span.endTime, ageMillis),
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events.map((e) => ({ ...e, time: hrTimeBefore(e.time, ageMillis) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * Exports spans as if they had been recorded `ageMillis` ago: the SDK takes no explicit times, so
 * the load generator puts this between the SDK and the exporters (the ledger's first, so the ledger
 * records the times as sent) to make old data go through the real SDK and receiver. Only times move:
 * ids, attributes and decisions are the SDK's. An input the SDK uploads names the day it was
 * uploaded (today), so aged loads keep their inputs inline.
 */
export class AgedExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #ageMillis: number;

  constructor(inner: SpanExporter, ageMillis: number) {
    this.#inner = inner;
    this.#ageMillis = ageMillis;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(
      spans.map((s) => agedSpan(s, this.#ageMillis)),
      done
    );
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

import { EVENT_XRAY_DECISION } from '@xray/otel';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ByteBudgetExporter, estimateSpanBytes, splitByBytes } from './exporter.js';

/** Real spans from a real SDK, each carrying `eventsPerSpan` events of ~1 KB. */
function makeSpans(count: number, eventsPerSpan: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)], spanLimits: { eventCountLimit: 10_000 } });
  const tracer = provider.getTracer('test');
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`span-${i}`);
    for (let e = 0; e < eventsPerSpan; e++) span.addEvent(EVENT_XRAY_DECISION, { payload: 'x'.repeat(1000) });
    span.end();
  }
  return memory.getFinishedSpans();
}

/** Records each export call; fails the calls whose index is in `failAt`. */
class RecordingExporter implements SpanExporter {
  readonly calls: ReadableSpan[][] = [];
  constructor(private readonly failAt: ReadonlySet<number> = new Set()) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const index = this.calls.push(spans) - 1;
    setTimeout(() => done(this.failAt.has(index) ? { code: ExportResultCode.FAILED, error: new Error(`call ${index}`) } : { code: ExportResultCode.SUCCESS }), 1);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const exportWith = (exporter: SpanExporter, spans: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe('byte-budget exporter', () => {
  const budget = 50_000;

  it('splits a big batch into several requests, each within the budget, in order', async () => {
    const spans = makeSpans(40, 10); // ~10 KB each, ~400 KB in all
    const inner = new RecordingExporter();
    const observed: number[] = [];
    const result = await exportWith(new ByteBudgetExporter(inner, budget, (_r, n) => observed.push(n)), spans);

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(inner.calls.length).toBeGreaterThanOrEqual(8);
    for (const call of inner.calls) {
      expect(call.reduce((sum, span) => sum + estimateSpanBytes(span), 0)).toBeLessThanOrEqual(budget);
    }
    expect(inner.calls.flat()).toEqual(spans);
    expect(observed.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('reports failure when one sub-batch fails, and still sends the others', async () => {
    const spans = makeSpans(40, 10);
    const inner = new RecordingExporter(new Set([1]));
    const result = await exportWith(new ByteBudgetExporter(inner, budget), spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('call 1');
    expect(inner.calls.flat()).toHaveLength(40);
  });

  it('turns an exporter that throws into a failed result', async () => {
    const throwing: SpanExporter = { export: () => { throw new Error('sync boom'); }, shutdown: () => Promise.resolve() };
    const result = await exportWith(new ByteBudgetExporter(throwing, budget), makeSpans(2, 1));
    expect(result.code).toBe(ExportResultCode.FAILED);
  });

  it('gives a span larger than the budget a request of its own', () => {
    const [small1, huge, small2] = [...makeSpans(1, 1), ...makeSpans(1, 100), ...makeSpans(1, 1)];
    expect(splitByBytes([small1!, huge!, small2!], budget).map((g) => g.length)).toEqual([1, 1, 1]);
    expect(estimateSpanBytes(huge!)).toBeGreaterThan(budget);
  });
});

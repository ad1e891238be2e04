import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISIONS_OFFSET,
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_METADATA,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_DECISION_OUTPUT,
  ATTR_XRAY_DECISION_REASON,
  ATTR_XRAY_DECISION_REASON_CODE,
  ATTR_XRAY_DECISION_SCORE,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_RUN_INPUT_COUNT,
  ATTR_XRAY_RUN_OUTPUT_COUNT,
  ATTR_XRAY_RUN_STEP_COUNT,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_DECISION_COUNT,
  ATTR_XRAY_STEP_ELIMINATED_COUNT,
  ATTR_XRAY_STEP_ID,
  ATTR_XRAY_STEP_INDEX,
  ATTR_XRAY_STEP_INPUT_COUNT,
  ATTR_XRAY_STEP_KEPT_COUNT,
  ATTR_XRAY_STEP_OUTPUT_COUNT,
  ATTR_XRAY_STEP_SCORED_COUNT,
  EVENT_XRAY_DECISION,
  CaptureLevels,
  SpanKinds,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { estimateSpanBytes } from './size.js';
import { ELIMINATED, KEPT, SCORED, XRStepType, XRay, survivors, type Decision, type XRayOptions } from './index.js';
import { IN_MEMORY_PAYLOADS } from './client.fixture.js';
import { toEventAttributes } from './decision.js';
import { PayloadWriter } from './payloads.js';
import { emptyStats } from './types.js';

async function record(
  decisionsFor: (input: number[]) => Decision<unknown>[],
  count: number,
  options: XRayOptions = {}
) {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: CaptureLevels.FULL, ...IN_MEMORY_PAYLOADS, ...options });
  const input = Array.from({ length: count }, (_, i) => i);
  const runId = await xray.startRun('big', input);
  const first = await xray.step(runId, XRStepType.FILTER, 'first', decisionsFor, input);
  const second = await xray.step(
    runId,
    XRStepType.SCORE,
    'second',
    (kept) => kept.map((d) => ({ itemId: d.itemId, outcome: SCORED, score: 1 })),
    survivors(first)
  );
  await xray.endRun(runId, second);
  await xray.flush();
  const spans = memory.getFinishedSpans();
  await xray.shutdown();
  return { spans, runId, xray };
}

/** Every decision event of a step, by its step-wide sequence number (offset + position). */
function decisionsBySeq(spans: ReadableSpan[], stepId: string) {
  const bySeq = new Map<number, Record<string, unknown>>();
  for (const span of spans) {
    if (span.attributes[ATTR_XRAY_STEP_ID] !== stepId) continue;
    const offset = span.attributes[ATTR_XRAY_DECISIONS_OFFSET] as number;
    span.events.forEach((event, i) => {
      expect(event.name).toBe(EVENT_XRAY_DECISION);
      expect(bySeq.has(offset + i)).toBe(false);
      bySeq.set(offset + i, event.attributes!);
    });
  }
  return bySeq;
}

const thirds = (input: number[]): Decision<number>[] =>
  input.map((n) => ({
    itemId: n,
    outcome: n % 3 === 0 ? KEPT : n % 3 === 1 ? ELIMINATED : SCORED,
    reason: `item ${n}`,
    score: n,
  }));

describe('decision recording', () => {
  it('keeps all 5,000 decisions of a step, chunked across spans with contiguous offsets', async () => {
    const { spans, runId } = await record(thirds, 5000);
    expect(spans.every((s) => s.droppedEventsCount === 0)).toBe(true);
    const [step, second] = spans.filter((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.STEP);
    const stepId = step!.spanContext().spanId;
    const chunks = spans.filter(
      (s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.DECISIONS && s.attributes[ATTR_XRAY_STEP_ID] === stepId
    );

    expect(step!.events).toHaveLength(1000);
    expect(step!.attributes[ATTR_XRAY_DECISIONS_OFFSET]).toBe(0);
    expect(chunks.map((c) => c.attributes[ATTR_XRAY_DECISIONS_OFFSET]).sort((a, b) => Number(a) - Number(b))).toEqual([
      1000, 2000, 3000, 4000,
    ]);
    for (const chunk of chunks) {
      expect(chunk.parentSpanContext?.spanId).toBe(stepId);
      expect(chunk.attributes[ATTR_XRAY_RUN_ID]).toBe(runId);
    }

    const bySeq = decisionsBySeq(spans, stepId);
    expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    for (const [seq, attributes] of bySeq) expect(attributes[ATTR_XRAY_DECISION_ITEM_ID]).toBe(String(seq));

    expect(step!.attributes).toMatchObject({
      [ATTR_XRAY_STEP_INDEX]: 0,
      [ATTR_XRAY_STEP_INPUT_COUNT]: 5000,
      [ATTR_XRAY_STEP_DECISION_COUNT]: 5000,
      [ATTR_XRAY_STEP_KEPT_COUNT]: 1667,
      [ATTR_XRAY_STEP_ELIMINATED_COUNT]: 1667,
      [ATTR_XRAY_STEP_SCORED_COUNT]: 1666,
      [ATTR_XRAY_STEP_OUTPUT_COUNT]: 3333,
    });
    expect(second!.attributes).toMatchObject({
      [ATTR_XRAY_STEP_INDEX]: 1,
      [ATTR_XRAY_STEP_INPUT_COUNT]: 3333,
      [ATTR_XRAY_STEP_SCORED_COUNT]: 3333,
    });
    const [run] = spans.filter((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.RUN);
    expect(run!.attributes).toMatchObject({
      [ATTR_XRAY_RUN_STEP_COUNT]: 2,
      [ATTR_XRAY_RUN_INPUT_COUNT]: 5000,
      [ATTR_XRAY_RUN_OUTPUT_COUNT]: 3333,
    });
  });

  it('honours decisionsPerSpan', async () => {
    const { spans } = await record(thirds, 25, { decisionsPerSpan: 10 });
    const step = spans.find((s) => s.attributes[ATTR_XRAY_STEP_INDEX] === 0)!;
    const mine = spans.filter((s) => s.attributes[ATTR_XRAY_STEP_ID] === step.spanContext().spanId);
    expect(mine.map((s) => s.events.length).sort()).toEqual([10, 10, 5]);
  });

  it('also starts a new chunk when a span would outgrow the export byte budget', async () => {
    const blob = 'x'.repeat(10_000);
    const heavy = (input: number[]) => input.map((n) => ({ itemId: n, outcome: KEPT, input: { n, blob } }));
    const maxExportBytes = 256 * 1024;
    // Spans of 256 KiB hold inline payloads up to 64 KiB; the 2 MB step output is over the cap then.
    const limit = 64 * 1024;
    const { spans } = await record(heavy, 200, { maxExportBytes, inlinePayloadBytes: limit, maxPayloadBytes: limit });
    const step = spans.find((s) => s.attributes[ATTR_XRAY_STEP_INDEX] === 0)!;
    const mine = spans.filter((s) => s.attributes[ATTR_XRAY_STEP_ID] === step.spanContext().spanId);
    expect(mine.length).toBeGreaterThan(5);
    for (const span of mine) expect(estimateSpanBytes(span)).toBeLessThanOrEqual(maxExportBytes);
    expect(decisionsBySeq(spans, step.spanContext().spanId).size).toBe(200);
  });

  it('skips entries that are not decisions and counts them', async () => {
    const odd = (): Decision<unknown>[] => [
      { itemId: 'a', outcome: KEPT },
      null as unknown as Decision<unknown>,
      { itemId: 'b', outcome: 'maybe' } as unknown as Decision<unknown>,
      { outcome: ELIMINATED } as unknown as Decision<unknown>,
      Object.defineProperty({ outcome: ELIMINATED }, 'itemId', {
        get: () => {
          throw new Error('nope');
        },
        enumerable: true,
      }) as Decision<unknown>,
      { itemId: 7, outcome: ELIMINATED },
    ];
    const { spans, xray } = await record(odd, 3);
    const step = spans.find((s) => s.attributes[ATTR_XRAY_STEP_INDEX] === 0)!;
    expect(step.events.map((e) => e.attributes![ATTR_XRAY_DECISION_ITEM_ID])).toEqual(['a', '7']);
    expect(step.attributes).toMatchObject({ [ATTR_XRAY_STEP_DECISION_COUNT]: 2, [ATTR_XRAY_STEP_KEPT_COUNT]: 1 });
    expect(xray.stats().decisionsDropped.invalid).toBe(4);
  });
});

describe('decision event attributes', () => {
  // Small payloads only: they ride inline, so nothing is ever offered for upload.
  const limits = { maxPayloadBytes: 16384, inlinePayloadBytes: 16384 };
  const serialize = new PayloadWriter(limits, emptyStats(), { offer: () => 'queue_full' }, () => {});

  it('records every field, numbers as item ids as strings, payloads as JSON', () => {
    const attributes = toEventAttributes(
      {
        itemId: 42,
        outcome: ELIMINATED,
        reason: 'too far',
        reasonCode: 'distance',
        score: 0.25,
        input: { km: 12 },
        output: [1],
        metadata: { model: 'v2' },
      },
      serialize
    );
    expect(attributes).toEqual({
      [ATTR_XRAY_DECISION_ITEM_ID]: '42',
      [ATTR_XRAY_DECISION_OUTCOME]: 'eliminated',
      [ATTR_XRAY_DECISION_REASON]: 'too far',
      [ATTR_XRAY_DECISION_REASON_CODE]: 'distance',
      [ATTR_XRAY_DECISION_SCORE]: 0.25,
      [ATTR_XRAY_DECISION_INPUT]: '{"km":12}',
      [ATTR_XRAY_DECISION_OUTPUT]: '[1]',
      [ATTR_XRAY_DECISION_METADATA]: '{"model":"v2"}',
    });
  });

  it('leaves out what is absent and scores that are not finite numbers', () => {
    expect(toEventAttributes({ itemId: 'x', outcome: KEPT, score: Number.NaN }, serialize)).toEqual({
      [ATTR_XRAY_DECISION_ITEM_ID]: 'x',
      [ATTR_XRAY_DECISION_OUTCOME]: 'kept',
      [ATTR_XRAY_DECISION_REASON]: '',
    });
  });
});

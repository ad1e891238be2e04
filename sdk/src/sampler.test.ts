import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_IMPORTANT,
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_REASON_CODE,
  ATTR_XRAY_DECISION_SEQ,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_CAPTURE,
  ATTR_XRAY_STEP_DECISION_COUNT,
  ATTR_XRAY_STEP_ELIMINATED_COUNT,
  ATTR_XRAY_STEP_ID,
  ATTR_XRAY_STEP_INPUT_COUNT,
  ATTR_XRAY_STEP_KEPT_COUNT,
  ATTR_XRAY_STEP_OUTPUT_COUNT,
  ATTR_XRAY_STEP_RECORDED_COUNT,
  ATTR_XRAY_STEP_SCORED_COUNT,
  CaptureLevels,
  SpanKinds,
  type CaptureLevel,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { IN_MEMORY_PAYLOADS } from './client.fixture.js';
import { ELIMINATED, KEPT, SCORED, XRStepType, XRay, reasonClass, sampledPositions, type Decision } from './index.js';

const RUN = '0123456789abcdef0123456789abcdef';
const plain = Array.from({ length: 1000 }, (_, i) => ({
  itemId: `item-${i}`,
  outcome: i % 10 === 9 ? ELIMINATED : KEPT,
  reason: `score ${i}`,
}));

describe('sampler (pure)', () => {
  it('keeps exactly the same set for a given run id and seed', () => {
    // Fixed expectations: changing the hash or the rule is a visible, deliberate change.
    expect(sampledPositions({ runId: RUN, seed: 0, stepIndex: 0 }, plain)).toEqual([0, 1, 9, 40, 48, 56, 80, 104, 999]);
    expect(sampledPositions({ runId: RUN, seed: 1, stepIndex: 0 }, plain)).toEqual([0, 5, 9, 11, 72, 229, 999]);
    expect(sampledPositions({ runId: RUN, seed: 42, stepIndex: 0 }, plain)).toEqual([0, 9, 198, 999]);
    expect(sampledPositions({ runId: RUN, seed: 0, stepIndex: 1 }, plain)).toEqual([0, 9, 999]);
    // 0: first; 9: first eliminated; 999: last; the rest random.
  });

  it('records about log10(n) random decisions: 5000 -> ~5', () => {
    const same = Array.from({ length: 5000 }, (_, i) => ({ itemId: String(i), outcome: KEPT, reason: 'same' }));
    let total = 0;
    for (let s = 0; s < 200; s++) total += sampledPositions({ runId: RUN, seed: s, stepIndex: 0 }, same).length;
    expect(total / 200).toBeGreaterThan(4);
    expect(total / 200).toBeLessThan(7.5);
  });

  it('classes reasons by code, else by text with digit runs as #', () => {
    expect(reasonClass('Score 0.42 vs threshold 0.5', undefined)).toBe(
      reasonClass('Score 0.17 vs threshold 0.75', undefined)
    );
    expect(reasonClass('Score 1 vs 2', 'below')).toBe(reasonClass('other', 'below'));
    expect(reasonClass('x'.repeat(100) + 'a', undefined)).toBe(reasonClass('x'.repeat(100) + 'b', undefined));
  });

  it('keeps every important, watched, new-outcome and new-class decision', () => {
    const ds = Array.from({ length: 3000 }, (_, i) => ({
      itemId: String(i),
      outcome: i === 2500 ? SCORED : KEPT,
      reason: `score ${i}`,
      reasonCode: i % 1000 === 777 ? `rare-${i}` : undefined,
      important: i === 1234,
    }));
    const kept = new Set(
      sampledPositions({ runId: RUN, seed: 7, stepIndex: 3, watchList: new Set(['42', '2999']) }, ds)
    );
    for (const i of [0, 42, 777, 1234, 1777, 2500, 2777, 2999]) expect(kept.has(i)).toBe(true);
  });
});

/** 5,000 decisions: two rare reason codes, two important ones, two watched items, a few scored. */
const big: Decision<number>[] = Array.from({ length: 5000 }, (_, i) => ({
  itemId: i,
  outcome: i % 2 ? KEPT : i % 1000 === 500 ? SCORED : ELIMINATED,
  reason: `Score ${i / 5000} vs threshold 0.5`,
  reasonCode: i === 1111 || i === 3333 ? `rare_${i}` : 'below_threshold',
  important: i === 2222 || i === 4444,
}));

async function recordBig(capture: CaptureLevel) {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({
    exporter: memory,
    watchList: [17, '4998'],
    samplingSeed: 99,
    capture: CaptureLevels.FULL,
    ...IN_MEMORY_PAYLOADS,
  });
  const runId = await xray.startRun('big', big, { capture });
  await xray.step(runId, XRStepType.FILTER, 'filter', () => big, big);
  await xray.endRun(runId, undefined);
  await xray.flush();
  const spans = memory.getFinishedSpans();
  const stats = xray.stats();
  await xray.shutdown();
  const step = spans.find((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.STEP)!;
  const events = spans
    .filter((s: ReadableSpan) => s.attributes[ATTR_XRAY_STEP_ID] === step.spanContext().spanId)
    .flatMap((s) => s.events.map((e) => e.attributes!));
  return { runId, step, events, stats };
}

describe('capture levels on a 5,000-decision step', () => {
  const exact = {
    [ATTR_XRAY_STEP_INPUT_COUNT]: 5000,
    [ATTR_XRAY_STEP_DECISION_COUNT]: 5000,
    [ATTR_XRAY_STEP_KEPT_COUNT]: 2500,
    [ATTR_XRAY_STEP_SCORED_COUNT]: 5,
    [ATTR_XRAY_STEP_ELIMINATED_COUNT]: 2495,
    [ATTR_XRAY_STEP_OUTPUT_COUNT]: 2505,
  };

  it('full records all 5,000, without seq', async () => {
    const { step, events, stats } = await recordBig(CaptureLevels.FULL);
    expect(step.attributes).toMatchObject({
      ...exact,
      [ATTR_XRAY_STEP_RECORDED_COUNT]: 5000,
      [ATTR_XRAY_STEP_CAPTURE]: 'full',
    });
    expect(events).toHaveLength(5000);
    expect(events.some((e) => ATTR_XRAY_DECISION_SEQ in e)).toBe(false);
    expect(stats).toMatchObject({ decisionsMade: 5000, decisionsRecorded: 5000 });
  });

  it('metrics_only records none, with exact counts', async () => {
    const { step, events, stats } = await recordBig(CaptureLevels.METRICS_ONLY);
    expect(step.attributes).toMatchObject({
      ...exact,
      [ATTR_XRAY_STEP_RECORDED_COUNT]: 0,
      [ATTR_XRAY_STEP_CAPTURE]: 'metrics_only',
    });
    expect(events).toHaveLength(0);
    expect(stats).toMatchObject({ decisionsMade: 5000, decisionsRecorded: 0 });
  });

  it('sampled records few, keeps the unusual, and each seq is the decision position', async () => {
    const { runId, step, events } = await recordBig(CaptureLevels.SAMPLED);
    expect(step.attributes).toMatchObject({
      ...exact,
      [ATTR_XRAY_STEP_RECORDED_COUNT]: events.length,
      [ATTR_XRAY_STEP_CAPTURE]: 'sampled',
    });
    expect(events.length).toBeLessThan(40);
    const seqs = events.map((e) => e[ATTR_XRAY_DECISION_SEQ] as number);
    for (const e of events) expect(e[ATTR_XRAY_DECISION_ITEM_ID]).toBe(String(e[ATTR_XRAY_DECISION_SEQ]));
    // Exactly what the pure sampler predicts for this run id and seed.
    const inputs = big.map((d) => ({ ...d, itemId: String(d.itemId) }));
    expect(seqs).toEqual(
      sampledPositions({ runId, seed: 99, stepIndex: 0, watchList: new Set(['17', '4998']) }, inputs)
    );
    // first, last, watched, important, both rare codes, first scored.
    for (const i of [0, 4999, 17, 4998, 2222, 4444, 1111, 3333, 500]) expect(seqs).toContain(i);
    expect(
      events.filter((e) => e[ATTR_XRAY_DECISION_IMPORTANT] === true).map((e) => e[ATTR_XRAY_DECISION_ITEM_ID])
    ).toEqual(['2222', '4444']);
    expect(events.find((e) => e[ATTR_XRAY_DECISION_ITEM_ID] === '1111')![ATTR_XRAY_DECISION_REASON_CODE]).toBe(
      'rare_1111'
    );
  });

  it('step capture overrides run capture, which overrides the client', async () => {
    const memory = new InMemorySpanExporter();
    const xray = new XRay({ exporter: memory, capture: CaptureLevels.METRICS_ONLY });
    const runId = await xray.startRun('p', undefined, { capture: CaptureLevels.FULL });
    await xray.step(runId, XRStepType.FILTER, 'run-level', () => big.slice(0, 10), undefined);
    await xray.step(runId, XRStepType.FILTER, 'step-level', () => big.slice(0, 10), undefined, {
      capture: CaptureLevels.SAMPLED,
    });
    const other = await xray.startRun('q');
    await xray.step(other, XRStepType.FILTER, 'client-level', () => big.slice(0, 10), undefined);
    await xray.flush();
    const byName = Object.fromEntries(memory.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(byName['run-level']![ATTR_XRAY_STEP_CAPTURE]).toBe('full');
    expect(byName['step-level']![ATTR_XRAY_STEP_CAPTURE]).toBe('sampled');
    expect(byName['client-level']![ATTR_XRAY_STEP_CAPTURE]).toBe('metrics_only');
    await xray.shutdown();
  });
});

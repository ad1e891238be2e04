import * as C from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { encodeBatch, mapSpans } from './index.js';
import { recordInRange } from '../payloads/records.js';
import type { XEvent, XSpan } from '../../model/span.js';

const RUN = 'a'.repeat(32);
const STEP = 'b'.repeat(16);
const T0 = '1764131262000000000'; // 2025-11-26T04:27:42Z

function decision(i: number, outcome: string, extra: Record<string, unknown> = {}): XEvent {
  return {
    timeUnixNano: T0,
    name: C.EVENT_XRAY_DECISION,
    attributes: {
      [C.ATTR_XRAY_DECISION_ITEM_ID]: `item-${i}`,
      [C.ATTR_XRAY_DECISION_OUTCOME]: outcome,
      [C.ATTR_XRAY_DECISION_REASON]: `reason ${i}`,
      [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ id: i, title: 'é' }),
      ...extra,
    },
  };
}

function span(kind: string, spanId: string, attributes: XSpan['attributes'], events: XEvent[] = []): XSpan {
  return {
    traceId: RUN,
    spanId,
    parentSpanId: kind === 'run' ? '' : 'c'.repeat(16),
    name: kind,
    startTimeUnixNano: T0,
    endTimeUnixNano: '1764131262500000000',
    attributes: { [C.ATTR_XRAY_SPAN_KIND]: kind, [C.ATTR_XRAY_RUN_ID]: RUN, ...attributes },
    events,
    status: { code: 0, message: '' },
  };
}

const stepSpan = span(
  C.SpanKinds.STEP,
  STEP,
  {
    [C.ATTR_XRAY_STEP_ID]: STEP,
    [C.ATTR_XRAY_STEP_NAME]: 'filter-by-keywords',
    [C.ATTR_XRAY_STEP_TYPE]: C.StepTypes.FILTER,
    [C.ATTR_XRAY_STEP_INDEX]: 1,
    [C.ATTR_XRAY_STEP_INPUT_COUNT]: 3,
    [C.ATTR_XRAY_STEP_OUTPUT_COUNT]: 1,
    [C.ATTR_XRAY_STEP_KEPT_COUNT]: 1,
    [C.ATTR_XRAY_STEP_ELIMINATED_COUNT]: 2,
    [C.ATTR_XRAY_STEP_DECISION_COUNT]: 3,
    [C.ATTR_XRAY_DECISIONS_OFFSET]: 0,
  },
  [decision(0, 'kept'), decision(1, 'eliminated', { [C.ATTR_XRAY_DECISION_SCORE]: 0.25 })]
);
const chunkSpan = span(
  C.SpanKinds.DECISIONS,
  'd'.repeat(16),
  { [C.ATTR_XRAY_STEP_ID]: STEP, [C.ATTR_XRAY_DECISIONS_OFFSET]: 2 },
  [decision(2, 'eliminated')]
);
const runSpan = span(C.SpanKinds.RUN, 'c'.repeat(16), {
  [C.ATTR_XRAY_PIPELINE_NAME]: 'candidate-search',
  [C.ATTR_XRAY_RUN_STEP_COUNT]: 2,
  [C.ATTR_XRAY_RUN_INPUT_COUNT]: 10,
  [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: 1,
});

describe('mapSpans', () => {
  it('turns a run span into a run row with the SDK counts and an overall elimination ratio', () => {
    const { runs } = mapSpans('proj', [runSpan]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      project_id: 'proj',
      run_id: RUN,
      pipeline: 'candidate-search',
      total_steps: 2,
      input_count: 10,
      output_count: 1,
      elimination_ratio: 0.9,
    });
  });

  it('numbers decisions across the step span and its chunk spans, all attributed to the step', () => {
    const { steps, decisions } = mapSpans('proj', [stepSpan, chunkSpan]);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      step_id: STEP,
      name: 'filter-by-keywords',
      input_count: 3,
      eliminated_count: 2,
      elimination_ratio: 2 / 3,
    });
    expect(decisions.map((d) => [d.step_id, d.seq, d.item_id, d.outcome])).toEqual([
      [STEP, 0, 'item-0', 'kept'],
      [STEP, 1, 'item-1', 'eliminated'],
      [STEP, 2, 'item-2', 'eliminated'],
    ]);
    expect(decisions[1]!.score).toBe(0.25);
    expect(decisions[0]!.score).toBeNull();
  });

  it('gives the same rows and bytes whatever order the spans come in', async () => {
    const a = await encodeBatch(mapSpans('proj', [runSpan, stepSpan, chunkSpan]));
    const b = await encodeBatch(mapSpans('proj', [chunkSpan, stepSpan, runSpan]));
    const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sort(b.runs)).toEqual(sort(a.runs));
    expect(sort(b.steps)).toEqual(sort(a.steps));
    expect(sort(b.decisions)).toEqual(sort(a.decisions));
    expect(sort(b.objects.map((o) => [o.key, o.body.toString('base64')]))).toEqual(
      sort(a.objects.map((o) => [o.key, o.body.toString('base64')]))
    );
  });

  it("stores each decision's full payload in the frame its byte range points at", async () => {
    const { decisions, objects } = await encodeBatch(mapSpans('proj', [stepSpan]));
    const object = objects[0]!;
    expect(object.key).toBe(`proj/payloads/2025/11/26/${RUN}/${STEP}.jsonl.br`);
    const d = decisions[1]!;
    expect(d.payload_key).toBe(object.key);
    const frame = object.body.subarray(d.payload_offset, d.payload_offset + d.payload_length);
    expect(await recordInRange(object.key, frame, { eventId: `${STEP}-1` })).toMatchObject({
      eventId: `${STEP}-1`,
      itemId: 'item-1',
      input: { id: 1, title: 'é' },
      score: 0.25,
    });
  });

  it('skips a decision with an unknown outcome and says why, keeping the rest', () => {
    const bad = { ...stepSpan, events: [decision(0, 'kept'), decision(1, 'vanished')] };
    const { decisions, skipped } = mapSpans('proj', [bad]);
    expect(decisions).toHaveLength(1);
    expect(skipped[0]!.reason).toContain('vanished');
  });

  it('keeps the project on every row and every key', async () => {
    const batch = await encodeBatch(mapSpans('tenant-b', [runSpan, stepSpan, chunkSpan]));
    for (const row of [...batch.runs, ...batch.steps, ...batch.decisions]) expect(row.project_id).toBe('tenant-b');
    for (const o of batch.objects) expect(o.key.startsWith('tenant-b/')).toBe(true);
  });

  it('takes the run id from the trace id when the xray.run.id attribute is not a run id, so no key leaves its run folder', () => {
    for (const bad of ['../../other-project/payloads', 'A'.repeat(32), 'x']) {
      const batch = mapSpans('proj', [span(C.SpanKinds.RUN, 'c'.repeat(16), { [C.ATTR_XRAY_RUN_ID]: bad })]);
      expect(batch.runs[0]!.run_id).toBe(RUN);
      expect(batch.pending[0]!.key).toMatch(
        new RegExp(`^proj/payloads/\\d{4}/\\d\\d/\\d\\d/${RUN}/c{16}\\.jsonl\\.br$`)
      );
    }
  });

  it('renders times as exact DateTime64(9) text, including times before 2001 and events without a time', () => {
    const old = {
      ...stepSpan,
      startTimeUnixNano: '999999999123456789',
      endTimeUnixNano: '0',
      events: [{ ...decision(0, 'kept'), timeUnixNano: '0' }],
    };
    const { steps, decisions } = mapSpans('proj', [old]);
    expect(steps[0]!.started_at).toBe('2001-09-09 01:46:39.123456789');
    expect(steps[0]!.ended_at).toBe('2001-09-09 01:46:39.123456789'); // a missing end falls back to the start
    expect(decisions[0]!.timestamp).toBe('2001-09-09 01:46:39.123456789');
    expect(mapSpans('proj', [runSpan]).runs[0]!.started_at).toBe('2025-11-26 04:27:42.000000000');
  });

  it('clamps counts to what the columns hold instead of wrapping', () => {
    const huge = {
      ...stepSpan,
      attributes: { ...stepSpan.attributes, [C.ATTR_XRAY_STEP_INDEX]: 2 ** 40, [C.ATTR_XRAY_STEP_INPUT_COUNT]: 1e21 },
    };
    const [row] = mapSpans('proj', [huge]).steps;
    expect(row!.step_index).toBe(0xffffffff);
    expect(row!.input_count).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('identifies sampled decisions by their own seq and keeps the recorded count apart from the decisions made', () => {
    const sampled = {
      ...stepSpan,
      attributes: {
        ...stepSpan.attributes,
        [C.ATTR_XRAY_STEP_DECISION_COUNT]: 5000,
        [C.ATTR_XRAY_STEP_RECORDED_COUNT]: 2,
        [C.ATTR_XRAY_STEP_CAPTURE]: C.CaptureLevels.SAMPLED,
      },
      events: [
        decision(0, 'kept', { [C.ATTR_XRAY_DECISION_SEQ]: 0 }),
        decision(4999, 'eliminated', { [C.ATTR_XRAY_DECISION_SEQ]: 4999, [C.ATTR_XRAY_DECISION_IMPORTANT]: true }),
      ],
    };
    const { steps, decisions } = mapSpans('proj', [sampled]);
    expect(steps[0]).toMatchObject({ decision_count: 5000, recorded_count: 2, capture: 'sampled' });
    expect(decisions.map((d) => [d.seq, d.important])).toEqual([
      [0, false],
      [4999, true],
    ]);
    // A producer that does not say how many it recorded recorded them all.
    expect(mapSpans('proj', [stepSpan]).steps[0]).toMatchObject({
      decision_count: 3,
      recorded_count: 3,
      capture: 'full',
    });
  });
});

import * as C from '@xray/otel';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { XEvent, XSpan } from '../../model/span.js';
import { DEDUP_MIN_BYTES, encodeBatch, mapSpans } from '../mapping/index.js';
import { blobKey } from '../s3-keys.js';
import { decompressPayload } from './codec.js';
import { FRAME_RECORDS } from './frames.js';
import { recordInRange } from './records.js';

const RUN = 'a'.repeat(32);
const STEP = 'b'.repeat(16);
const T0 = '1764131262000000000'; // 2025-11-26T04:27:42Z
const DAY = '2025-11-26';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function decision(i: number, extra: Record<string, unknown> = {}): XEvent {
  return {
    timeUnixNano: T0,
    name: C.EVENT_XRAY_DECISION,
    attributes: {
      [C.ATTR_XRAY_DECISION_ITEM_ID]: `item-${i}`,
      [C.ATTR_XRAY_DECISION_OUTCOME]: 'kept',
      [C.ATTR_XRAY_DECISION_REASON]: `reason ${i}`,
      [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ id: i }),
      ...extra,
    },
  };
}

function step(spanId: string, attributes: XSpan['attributes'], events: XEvent[]): XSpan {
  return {
    traceId: RUN,
    spanId,
    parentSpanId: 'c'.repeat(16),
    name: 'step',
    startTimeUnixNano: T0,
    endTimeUnixNano: T0,
    attributes: {
      [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.STEP,
      [C.ATTR_XRAY_RUN_ID]: RUN,
      [C.ATTR_XRAY_STEP_ID]: spanId,
      [C.ATTR_XRAY_STEP_DECISION_COUNT]: events.length,
      ...attributes,
    },
    events,
    status: { code: 0, message: '' },
  };
}

describe('payload frames', () => {
  it('cuts a span object into independent frames, each row pointing at the frame that holds its record', async () => {
    const events = Array.from({ length: 2 * FRAME_RECORDS + 5 }, (_, i) => decision(i));
    const { decisions, objects } = await encodeBatch(mapSpans('proj', [step(STEP, {}, events)]));
    const body = objects[0]!.body;
    const frames = new Set(decisions.map((d) => d.payload_offset));
    expect(frames.size).toBe(3); // 64 + 64 + 6 records (the step's own record first)
    for (const d of [decisions[0]!, decisions[70]!, decisions.at(-1)!]) {
      const frame = body.subarray(d.payload_offset, d.payload_offset + d.payload_length);
      const record = await recordInRange(objects[0]!.key, frame, { eventId: `${STEP}-${d.seq}` });
      expect(record).toMatchObject({ itemId: d.item_id, input: { id: d.seq } });
    }
    const raw = events.length * 150;
    expect(body.length).toBeLessThan(raw / 4); // compressed, not stored raw
  });

  it('still reads objects written before frames: the range is the record, raw', async () => {
    const line = Buffer.from(`${JSON.stringify({ eventId: `${STEP}-0`, input: { id: 0 } })}\n`);
    const record = await recordInRange(`proj/payloads/2025/11/26/${RUN}/${STEP}.jsonl`, line, { eventId: `${STEP}-0` });
    expect(record).toEqual({ eventId: `${STEP}-0`, input: { id: 0 } });
  });
});

describe('content-addressed values', () => {
  const doc = JSON.stringify({ title: 'a long document', body: 'lorem ipsum '.repeat(400) });

  it('stores a long inline value once per project and day however many steps and decisions carry it', async () => {
    const steps = ['1', '2', '3', '4'].map((c) =>
      step(c.repeat(16), {}, [decision(0, { [C.ATTR_XRAY_DECISION_INPUT]: doc })])
    );
    const batch = await encodeBatch(mapSpans('proj', steps));
    expect([...batch.blobs.keys()]).toEqual([blobKey('proj', { day: DAY, sha256: sha256(doc) })]);
    expect(batch.blobs.get(blobKey('proj', { day: DAY, sha256: sha256(doc) }))!.text).toBe(doc);
    const d = batch.decisions[0]!;
    const frame = batch.objects[0]!.body.subarray(d.payload_offset, d.payload_offset + d.payload_length);
    const record = await recordInRange(d.payload_key, frame, { eventId: `${d.step_id}-0` });
    expect(record!.input).toBeUndefined();
    expect(record!.refs).toEqual({ input: `${DAY}/${sha256(doc)}/${Buffer.byteLength(doc)}` });
    // Another project's copy is its own object: content addressing never crosses projects.
    expect([...mapSpans('other', steps).blobs.keys()][0]).toMatch(/^other\//);
  });

  it('keeps short values inline', () => {
    const short = JSON.stringify({ text: 'x'.repeat(DEDUP_MIN_BYTES - 20) });
    expect(mapSpans('proj', [step(STEP, {}, [decision(0, { [C.ATTR_XRAY_DECISION_INPUT]: short })])]).blobs.size).toBe(
      0
    );
  });

  it("keeps an SDK's reference as it is, and skips (saying why) one that is not a reference", async () => {
    const ref = `2026-12-04/${'f'.repeat(64)}/20971520`;
    const events = [
      decision(0, { [C.ATTR_XRAY_DECISION_OUTPUT_REF]: ref }),
      decision(1, { [C.ATTR_XRAY_DECISION_OUTPUT_REF]: '../other/sha' }),
    ];
    const batch = await encodeBatch(mapSpans('proj', [step(STEP, {}, events)]));
    expect(batch.decisions).toHaveLength(2);
    expect(batch.blobs.size).toBe(0);
    const body = await decompressPayload(batch.objects[0]!.body);
    expect(body.toString()).toContain(`"refs":{"output":"${ref}"}`);
    expect(batch.skipped).toEqual([
      { spanId: STEP, reason: expect.stringContaining('xray.decision.output_ref') as unknown },
    ]);
  });
});

describe('failed steps', () => {
  it('a failed step that decided nothing eliminated nothing', () => {
    const failed = step(STEP, { [C.ATTR_XRAY_STEP_STATUS]: 'error', [C.ATTR_XRAY_STEP_INPUT_COUNT]: 40 }, []);
    expect(mapSpans('proj', [failed]).steps[0]).toMatchObject({ status: 'error', elimination_ratio: 0 });
    const partial = step(STEP, { [C.ATTR_XRAY_STEP_STATUS]: 'error', [C.ATTR_XRAY_STEP_INPUT_COUNT]: 40 }, [
      decision(0),
    ]);
    expect(mapSpans('proj', [partial]).steps[0]!.elimination_ratio).toBe(1); // it did decide: its own counts stand
  });

  it('counts the failed steps of a run', () => {
    const run: XSpan = {
      ...step('c'.repeat(16), {}, []),
      parentSpanId: '',
      attributes: { [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.RUN, [C.ATTR_XRAY_RUN_FAILED_STEP_COUNT]: 2 },
    };
    expect(mapSpans('proj', [run]).runs[0]!.failed_steps).toBe(2);
  });
});

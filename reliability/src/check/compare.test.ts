import { blobKey, payloadKey } from '@xray/core/storage';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hashCanonical, type SentSpan } from '../load/ledger.js';
import { compare } from './compare.js';
import type { Stored } from './stored.js';

// The checker's verdict on hand-made data: it must see every kind of damage, and none where there is none.
const P = 'proj';
const RUN = 'a'.repeat(32);
const STEP = 'b'.repeat(16);
const T = '1764131262000000000';
const input = (i: number) => ({ id: `item-${i}` });

const runSpan: SentSpan = {
  kind: 'run',
  runId: RUN,
  spanId: 'c'.repeat(16),
  stepId: '',
  startNanos: T,
  fields: { pipeline: 'p', total_steps: 1 },
  decisions: [],
};
const stepSpan: SentSpan = {
  kind: 'step',
  runId: RUN,
  spanId: STEP,
  stepId: STEP,
  startNanos: T,
  fields: { name: 'filter', input_count: 2 },
  decisions: [0, 1].map((i) => ({
    seq: i,
    itemId: `item-${i}`,
    outcome: 'kept',
    reason: 'r',
    inputHash: hashCanonical(JSON.stringify(input(i))),
  })),
};

/** One compressed frame holding these records, as the processor writes it. */
const frame = (records: readonly object[]) =>
  brotliCompressSync(Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join('')));
const stepRecords = () => [
  { kind: 'step', stepId: STEP },
  ...[0, 1].map((i) => ({ eventId: `${STEP}-${i}`, stepId: STEP, seq: i, itemId: `item-${i}`, input: input(i) })),
];

/** What a correct processor stores for the two spans above: each span's records in one frame. */
function stored(): Stored {
  const runKey = payloadKey(P, RUN, runSpan.spanId, T);
  const stepKey = payloadKey(P, RUN, STEP, T);
  const runFrame = frame([{ kind: 'run', runId: RUN }]);
  const stepFrame = frame(stepRecords());
  const ref = { payload_key: stepKey, payload_offset: 0, payload_length: stepFrame.length };
  return {
    runs: [
      {
        run_id: RUN,
        fields: { pipeline: 'p', total_steps: '1', input_count: '0', output_count: '0' },
        payload_key: runKey,
        payload_offset: 0,
        payload_length: runFrame.length,
      },
    ],
    steps: [{ step_id: STEP, fields: { name: 'filter', input_count: '2' }, ...ref }],
    decisions: [0, 1].map((i) => ({
      step_id: STEP,
      seq: i,
      item_id: `item-${i}`,
      outcome: 'kept',
      reason: 'r',
      ...ref,
    })),
    objects: new Map([
      [runKey, runFrame],
      [stepKey, stepFrame],
    ]),
  };
}

const figures = (s: Stored, acked = [runSpan, stepSpan], unacked: SentSpan[] = []) => {
  const { details: _details, ...rest } = compare(P, acked, unacked, s);
  return rest;
};

describe('the checker', () => {
  it('finds nothing wrong when everything acknowledged is stored once, as sent', () => {
    expect(figures(stored())).toEqual({
      acked: 4,
      lost: 0,
      duplicated: 0,
      payload_mismatch: 0,
      unexpected: 0,
      stored_unacked: 0,
    });
  });

  it('counts a missing row, and a missing payload object, as lost', () => {
    const s = stored();
    s.decisions.pop();
    expect(figures(s).lost).toBe(1);
    const t = stored();
    t.objects.delete(payloadKey(P, RUN, STEP, T));
    expect(figures(t).lost).toBe(3);
  });

  it('counts a row stored twice, an item at two positions, and a payload under two keys as duplicated', () => {
    const s = stored();
    s.runs.push(s.runs[0]!);
    s.decisions.push({ ...s.decisions[0]!, seq: 7 });
    s.objects.set(`${P}/payloads/2000/01/01/${RUN}/${STEP}.jsonl`, Buffer.from(''));
    const f = figures(s);
    expect(f.duplicated).toBe(3);
    expect(f.unexpected).toBe(1); // the decision at position 7 was never sent
  });

  it('counts a changed field, a changed payload and a payload under the wrong key as mismatched', () => {
    const s = stored();
    s.decisions[0]!.reason = 'other';
    s.steps[0]!.fields.input_count = '3';
    const records = stepRecords();
    records[2] = { ...records[2]!, input: { id: 'item-X' } }; // the second decision's input
    const changed = frame(records);
    s.objects.set(payloadKey(P, RUN, STEP, T), changed);
    for (const row of [...s.steps, ...s.decisions]) row.payload_length = changed.length;
    expect(figures(s).payload_mismatch).toBe(3);
  });

  it('reads an input stored by reference from its content-addressed object, and counts that object missing as lost', () => {
    // The second decision's input went by reference (uploaded by the SDK): the record holds refs.input.
    const big = { id: 'item-1', body: 'x'.repeat(40_000) };
    const text = JSON.stringify(big);
    const ref = { day: '2025-11-26', sha256: hashCanonical(text), bytes: text.length };
    const sent = {
      ...stepSpan,
      decisions: stepSpan.decisions.map((d, i) => (i === 1 ? { ...d, inputHash: ref.sha256 } : d)),
    };
    const records: object[] = stepRecords();
    const { input: _inline, ...byRef } = records[2] as Record<string, unknown>;
    records[2] = { ...byRef, refs: { input: `${ref.day}/${ref.sha256}/${ref.bytes}` } };
    const s = stored();
    const changed = frame(records);
    s.objects.set(payloadKey(P, RUN, STEP, T), changed);
    for (const row of [...s.steps, ...s.decisions]) row.payload_length = changed.length;
    s.objects.set(blobKey(P, ref), brotliCompressSync(Buffer.from(text)));
    expect(figures(s, [runSpan, sent])).toMatchObject({ lost: 0, payload_mismatch: 0 });

    s.objects.set(blobKey(P, ref), brotliCompressSync(Buffer.from(JSON.stringify({ ...big, body: 'y' })))); // other bytes
    expect(figures(s, [runSpan, sent])).toMatchObject({ lost: 0, payload_mismatch: 1 });
    s.objects.delete(blobKey(P, ref));
    const { details, ...missing } = compare(P, [runSpan, sent], [], s);
    expect(missing).toMatchObject({ lost: 1, payload_mismatch: 0 });
    expect(details).toEqual([`lost: decision ${STEP}-1: input object ${blobKey(P, ref)} missing`]);
  });

  it('does not count what was never acknowledged as lost, and notes it when it was stored anyway', () => {
    expect(figures(stored(), [runSpan], [stepSpan])).toMatchObject({ lost: 0, stored_unacked: 3, unexpected: 0 });
  });
});

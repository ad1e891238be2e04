import { blobKey, decompressPayloadSync, payloadKey, recordInRangeSync, type RecordIdentity } from '@xray/core/storage';
import * as C from '@xray/otel';
import { hashCanonical, type SentSpan } from '../load/ledger.js';
import type { Stored } from './stored.js';

/**
 * The verdict on stored data against the ledger, in records (a run, a step or a decision):
 * - `lost`: acknowledged, but its row, its payload object, or the content-addressed object its input
 *   references (`refs.input`: uploaded by the SDK, or stored by content by the processor) is not stored;
 * - `duplicated`: stored more than once (a row repeated even under FINAL, an item stored under two
 *   positions of one step, one span's payload under two S3 keys);
 * - `payload_mismatch`: stored, but not as sent (row fields, S3 key, or the payload line: ids, the
 *   input's hash, read from the referenced object for an input stored by content);
 * - `unexpected`: stored, yet no request ever carried it;
 * - `stored_unacked`: sent without acknowledgement (failed or unknown) and stored anyway (allowed).
 */
export interface Comparison {
  acked: number;
  lost: number;
  duplicated: number;
  payload_mismatch: number;
  unexpected: number;
  stored_unacked: number;
  /** The first problems found, for the log. */
  details: string[];
}

const MAX_DETAILS = 20;

interface PayloadRef {
  payload_key: string;
  payload_offset: number;
  payload_length: number;
}

/** Compares what `acked` and `unacked` requests carried with what `stored` holds for `projectId`. */
export function compare(
  projectId: string,
  acked: readonly SentSpan[],
  unacked: readonly SentSpan[],
  stored: Stored
): Comparison {
  const out: Comparison = {
    acked: 0,
    lost: 0,
    duplicated: 0,
    payload_mismatch: 0,
    unexpected: 0,
    stored_unacked: 0,
    details: [],
  };
  const note = (what: keyof Comparison, detail: string) => {
    (out[what] as number)++;
    if (out.details.length < MAX_DETAILS) out.details.push(`${what}: ${detail}`);
  };
  const runs = groupBy(stored.runs, (r) => r.run_id);
  const steps = groupBy(stored.steps, (s) => s.step_id);
  const decisions = groupBy(stored.decisions, (d) => `${d.step_id}/${d.seq}`);
  const positions = new Map<string, Set<number>>();
  for (const d of stored.decisions) {
    const key = `${d.step_id}/${d.item_id}`;
    (positions.get(key) ?? positions.set(key, new Set()).get(key)!).add(d.seq);
  }
  for (const [what, groups] of [
    ['run', runs],
    ['step', steps],
    ['decision', decisions],
  ] as const) {
    for (const [id, rows] of groups)
      if (rows.length > 1)
        for (let i = 1; i < rows.length; i++)
          note('duplicated', `${what} ${id} stored ${rows.length} times under FINAL`);
  }
  const spanObjects = [...stored.objects.keys()].filter((key) => !key.includes('/sha256/'));
  const bySpan = groupBy(spanObjects, (key) => key.slice(key.lastIndexOf('/') + 1).split('.')[0]!);
  for (const [span, keys] of bySpan)
    if (keys.length > 1)
      for (let i = 1; i < keys.length; i++) note('duplicated', `payload of span ${span} under ${keys.length} keys`);

  const payloadOf = (row: PayloadRef, identity: RecordIdentity): Record<string, unknown> | 'missing' | 'garbled' => {
    const object = stored.objects.get(row.payload_key);
    if (!object) return 'missing';
    const bytes = object.subarray(row.payload_offset, row.payload_offset + row.payload_length);
    if (bytes.length !== row.payload_length) return 'garbled';
    try {
      return recordInRangeSync(row.payload_key, bytes, identity) ?? 'garbled';
    } catch {
      return 'garbled';
    }
  };
  /**
   * The hash of a record's input: inline, or the content-addressed value its reference names
   * (`missing` with its key when that object is not stored; `garbled` when it does not decode).
   */
  const blobHashes = new Map<string, string | 'garbled'>();
  const inputHashOf = (
    line: Record<string, unknown>
  ): { hash: string | undefined } | { missing: string } | 'garbled' => {
    const refs = line.refs as Record<string, unknown> | undefined;
    if (refs?.input === undefined) return { hash: line.input === undefined ? undefined : hashValue(line.input) };
    const ref = C.parsePayloadRef(refs.input);
    if (!ref) return 'garbled';
    const key = blobKey(projectId, ref);
    const blob = stored.objects.get(key);
    if (!blob) return { missing: key };
    let hash = blobHashes.get(key);
    if (hash === undefined) {
      try {
        hash = hashValue(JSON.parse(decompressPayloadSync(blob).toString('utf8')));
      } catch {
        hash = 'garbled';
      }
      blobHashes.set(key, hash);
    }
    return hash === 'garbled' ? hash : { hash };
  };
  /** One stored record against the sent one: lost, mismatched, or fine. */
  const judge = (
    label: string,
    row: PayloadRef | undefined,
    key: string,
    identity: RecordIdentity,
    sameRow: () => boolean,
    sameLine: (line: Record<string, unknown>) => boolean,
    inputHash?: string
  ) => {
    out.acked++;
    if (!row) return note('lost', `${label}: no row`);
    const line = payloadOf(row, identity);
    if (line === 'missing') return note('lost', `${label}: payload object ${row.payload_key} missing`);
    if (row.payload_key !== key)
      return note('payload_mismatch', `${label}: payload key ${row.payload_key}, expected ${key}`);
    if (!sameRow()) return note('payload_mismatch', `${label}: row fields differ`);
    if (line === 'garbled' || !sameLine(line)) return note('payload_mismatch', `${label}: payload line differs`);
    if (inputHash === undefined) return;
    const input = inputHashOf(line);
    if (input !== 'garbled' && 'missing' in input)
      return note('lost', `${label}: input object ${input.missing} missing`);
    if (input === 'garbled' || input.hash !== inputHash) return note('payload_mismatch', `${label}: input differs`);
  };

  for (const span of acked) {
    const key = payloadKey(projectId, span.runId, span.spanId, span.startNanos);
    if (span.kind === C.SpanKinds.RUN) {
      const row = runs.get(span.runId)?.[0];
      judge(
        `run ${span.runId}`,
        row,
        key,
        { kind: 'run' },
        () => sameFields(span.fields, row!.fields),
        (l) => l.kind === C.SpanKinds.RUN && l.runId === span.runId
      );
    } else if (span.kind === C.SpanKinds.STEP) {
      const row = steps.get(span.stepId)?.[0];
      judge(
        `step ${span.stepId}`,
        row,
        key,
        { kind: 'step' },
        () => sameFields(span.fields, row!.fields),
        (l) => l.kind === C.SpanKinds.STEP && l.stepId === span.stepId
      );
    }
    for (const d of span.decisions) {
      const row = decisions.get(`${span.stepId}/${d.seq}`)?.[0];
      judge(
        `decision ${span.stepId}-${d.seq}`,
        row,
        key,
        { eventId: `${span.stepId}-${d.seq}` },
        () => row!.item_id === d.itemId && row!.outcome === d.outcome && row!.reason === d.reason,
        (l) => l.itemId === d.itemId && l.seq === d.seq && l.stepId === span.stepId,
        d.inputHash
      );
      const seen = positions.get(`${span.stepId}/${d.itemId}`);
      if (seen && seen.size > 1 && Math.min(...seen) === d.seq) {
        for (let i = 1; i < seen.size; i++)
          note('duplicated', `item ${d.itemId} of step ${span.stepId} at ${seen.size} positions`);
      }
    }
  }

  const sent = new Set<string>();
  for (const span of [...acked, ...unacked]) {
    if (span.kind === C.SpanKinds.RUN) sent.add(`run/${span.runId}`);
    if (span.kind === C.SpanKinds.STEP) sent.add(`step/${span.stepId}`);
    for (const d of span.decisions) sent.add(`decision/${span.stepId}/${d.seq}`);
  }
  for (const id of runs.keys()) if (!sent.has(`run/${id}`)) note('unexpected', `run ${id}`);
  for (const id of steps.keys()) if (!sent.has(`step/${id}`)) note('unexpected', `step ${id}`);
  for (const id of decisions.keys()) if (!sent.has(`decision/${id}`)) note('unexpected', `decision ${id}`);
  for (const span of unacked) {
    const found =
      span.kind === C.SpanKinds.RUN
        ? runs.has(span.runId)
        : span.kind === C.SpanKinds.STEP
          ? steps.has(span.stepId)
          : false;
    out.stored_unacked +=
      (found ? 1 : 0) + span.decisions.filter((d) => decisions.has(`${span.stepId}/${d.seq}`)).length;
  }
  return out;
}

/** The hash of a parsed JSON value, as the ledger hashes what was sent. */
function hashValue(value: unknown): string {
  return hashCanonical(JSON.stringify(value));
}

function sameFields(sent: Record<string, string | number>, stored: Record<string, string>): boolean {
  return Object.entries(sent).every(([name, value]) => stored[name] === String(value));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

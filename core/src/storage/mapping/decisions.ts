import * as C from '@xray/otel';
import { formatEventId } from '../../model/ids.js';
import type { XEvent } from '../../model/span.js';
import { isStorableNanos, nanosToClickHouse, nanosToIso } from '../../model/time.js';
import { type FramedWriter, UNPLACED } from '../payloads/frames.js';
import type { DecisionRow } from '../rows.js';
import type { WriteBatch } from './batch.js';
import { recordPayloads } from './payload-fields.js';
import { num, str } from './read.js';

const DECISION_PAYLOADS = {
  input: C.ATTR_XRAY_DECISION_INPUT,
  output: C.ATTR_XRAY_DECISION_OUTPUT,
  metadata: C.ATTR_XRAY_DECISION_METADATA,
} as const;

/** Where a decision is: its project, run, step, sequence number, and its span's start and day. */
export interface DecisionPlace {
  projectId: string;
  runId: string;
  stepId: string;
  seq: number;
  spanId: string;
  spanStart: string;
  day: string;
}

/** One decision event: its `decision_events` row (its record added to the span's object), or why it cannot be stored. */
export function decisionRow(
  place: DecisionPlace,
  event: XEvent,
  writer: FramedWriter,
  into: WriteBatch
): DecisionRow | string {
  const { projectId, runId, stepId, seq } = place;
  const a = event.attributes;
  // An event without a usable time happened during its span: date it by the span's start.
  const time = isStorableNanos(event.timeUnixNano) ? event.timeUnixNano : place.spanStart;
  const outcome = a[C.ATTR_XRAY_DECISION_OUTCOME];
  if (!C.isOutcome(outcome)) return `decision ${seq}: unknown outcome ${JSON.stringify(outcome)}`;
  const itemId = str(a, C.ATTR_XRAY_DECISION_ITEM_ID);
  const reason = str(a, C.ATTR_XRAY_DECISION_REASON);
  const reasonCode = str(a, C.ATTR_XRAY_DECISION_REASON_CODE);
  const score = num(a, C.ATTR_XRAY_DECISION_SCORE);
  const important = a[C.ATTR_XRAY_DECISION_IMPORTANT] === true;
  const payloads = recordPayloads(projectId, a, DECISION_PAYLOADS, place.day, into.blobs);
  for (const problem of payloads.invalid)
    into.skipped.push({ spanId: place.spanId, reason: `decision ${seq}: ${problem}` });
  const row: DecisionRow = {
    project_id: projectId,
    run_id: runId,
    step_id: stepId,
    seq,
    item_id: itemId,
    outcome,
    reason,
    reason_code: reasonCode,
    score,
    important,
    timestamp: nanosToClickHouse(time),
    ...UNPLACED,
  };
  // The identity comes first: readers find the record in its frame by this prefix (records.ts).
  writer.add(
    {
      eventId: formatEventId(stepId, seq),
      runId,
      stepId,
      seq,
      itemId,
      outcome,
      reason,
      reasonCode: reasonCode || undefined,
      score: score ?? undefined,
      important: important || undefined,
      timestamp: nanosToIso(time),
      ...payloads.values,
      refs: payloads.refs,
    },
    row
  );
  return row;
}

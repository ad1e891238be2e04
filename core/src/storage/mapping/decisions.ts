import * as C from '@xray/otel';
import { formatEventId } from '../../model/ids.js';
import type { XEvent } from '../../model/span.js';
import { isStorableNanos, nanosToClickHouse, nanosToIso } from '../../model/time.js';
import type { DecisionRow } from '../rows.js';
import type { LinesWriter } from './lines.js';
import { json, num, str } from './read.js';

/** One decision event: its `decision_events` row (its payload line added to the span's object), or why it cannot be stored. */
export function decisionRow(
  projectId: string,
  runId: string,
  stepId: string,
  seq: number,
  event: XEvent,
  spanStart: string,
  writer: LinesWriter
): DecisionRow | string {
  const a = event.attributes;
  // An event without a usable time happened during its span: date it by the span's start.
  const time = isStorableNanos(event.timeUnixNano) ? event.timeUnixNano : spanStart;
  const outcome = a[C.ATTR_XRAY_DECISION_OUTCOME];
  if (!C.isOutcome(outcome)) return `decision ${seq}: unknown outcome ${JSON.stringify(outcome)}`;
  const itemId = str(a, C.ATTR_XRAY_DECISION_ITEM_ID);
  const reason = str(a, C.ATTR_XRAY_DECISION_REASON);
  const reasonCode = str(a, C.ATTR_XRAY_DECISION_REASON_CODE);
  const score = num(a, C.ATTR_XRAY_DECISION_SCORE);
  const important = a[C.ATTR_XRAY_DECISION_IMPORTANT] === true;
  const ref = writer.add({
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
    input: json(a, C.ATTR_XRAY_DECISION_INPUT),
    output: json(a, C.ATTR_XRAY_DECISION_OUTPUT),
    metadata: json(a, C.ATTR_XRAY_DECISION_METADATA),
  });
  return {
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
    ...ref,
  };
}

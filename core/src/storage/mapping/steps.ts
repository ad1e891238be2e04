import * as C from '@xray/otel';
import type { XSpan } from '../../model/span.js';
import { nanosToClickHouse, nanosToIso } from '../../model/time.js';
import { eliminationRatio, type StepRow } from '../rows.js';
import { dayOf, payloadKey } from '../s3-keys.js';
import { FramedWriter, UNPLACED } from '../payloads/frames.js';
import { decisionRow } from './decisions.js';
import type { WriteBatch } from './batch.js';
import { recordPayloads } from './payload-fields.js';
import { UINT64, count, endOf, runIdOf, str } from './read.js';

const STEP_PAYLOADS = { input: C.ATTR_XRAY_STEP_INPUT, output: C.ATTR_XRAY_STEP_OUTPUT } as const;

/** A step span or a `decisions` chunk span: the step's row (for a step), its decisions' rows, and one payload object. */
export function mapStepOrChunk(projectId: string, span: XSpan, into: WriteBatch): void {
  const a = span.attributes;
  const runId = runIdOf(span);
  const isStep = a[C.ATTR_XRAY_SPAN_KIND] === C.SpanKinds.STEP;
  const stepId = str(a, C.ATTR_XRAY_STEP_ID, isStep ? span.spanId : span.parentSpanId);
  const writer = new FramedWriter(payloadKey(projectId, runId, span.spanId, span.startTimeUnixNano));
  const day = dayOf(span.startTimeUnixNano);
  if (isStep) into.steps.push(stepRow(projectId, runId, stepId, span, writer, into));
  // A decision's position is its own `seq` when sampled, else its place after the span's offset.
  let position = count(a, C.ATTR_XRAY_DECISIONS_OFFSET);
  for (const event of span.events) {
    if (event.name !== C.EVENT_XRAY_DECISION) continue;
    const seq =
      C.ATTR_XRAY_DECISION_SEQ in event.attributes ? count(event.attributes, C.ATTR_XRAY_DECISION_SEQ) : position;
    position++;
    const place = { projectId, runId, stepId, seq, spanId: span.spanId, spanStart: span.startTimeUnixNano, day };
    const row = decisionRow(place, event, writer, into);
    if (typeof row === 'string') into.skipped.push({ spanId: span.spanId, reason: row });
    else into.decisions.push(row);
  }
  const object = writer.pending();
  if (object) into.pending.push(object);
}

function stepRow(
  projectId: string,
  runId: string,
  stepId: string,
  span: XSpan,
  writer: FramedWriter,
  into: WriteBatch
): StepRow {
  const a = span.attributes;
  const name = str(a, C.ATTR_XRAY_STEP_NAME, span.name);
  const type = str(a, C.ATTR_XRAY_STEP_TYPE, C.StepTypes.CUSTOM);
  const status = str(a, C.ATTR_XRAY_STEP_STATUS, span.status.code === 2 ? C.RunStatuses.ERROR : C.RunStatuses.OK);
  const payloads = recordPayloads(projectId, a, STEP_PAYLOADS, dayOf(span.startTimeUnixNano), into.blobs);
  for (const problem of payloads.invalid) into.skipped.push({ spanId: span.spanId, reason: `step: ${problem}` });
  const input = count(a, C.ATTR_XRAY_STEP_INPUT_COUNT, UINT64);
  const output = count(a, C.ATTR_XRAY_STEP_OUTPUT_COUNT, UINT64);
  const decisions = count(a, C.ATTR_XRAY_STEP_DECISION_COUNT, UINT64);
  // A step that failed before deciding anything eliminated nothing, whatever its output count says.
  const failedEmpty = status === C.RunStatuses.ERROR && decisions === 0;
  const row: StepRow = {
    project_id: projectId,
    run_id: runId,
    step_id: stepId,
    step_index: count(a, C.ATTR_XRAY_STEP_INDEX),
    parent_step_id: str(a, C.ATTR_XRAY_STEP_PARENT_ID),
    name,
    type,
    status,
    started_at: nanosToClickHouse(span.startTimeUnixNano),
    ended_at: nanosToClickHouse(endOf(span)),
    input_count: input,
    output_count: output,
    kept_count: count(a, C.ATTR_XRAY_STEP_KEPT_COUNT, UINT64),
    eliminated_count: count(a, C.ATTR_XRAY_STEP_ELIMINATED_COUNT, UINT64),
    scored_count: count(a, C.ATTR_XRAY_STEP_SCORED_COUNT, UINT64),
    decision_count: decisions,
    // Producers that record every decision may leave the recorded count out.
    recorded_count:
      C.ATTR_XRAY_STEP_RECORDED_COUNT in a ? count(a, C.ATTR_XRAY_STEP_RECORDED_COUNT, UINT64) : decisions,
    capture: str(a, C.ATTR_XRAY_STEP_CAPTURE, C.CaptureLevels.FULL),
    elimination_ratio: failedEmpty ? 0 : eliminationRatio(input, output),
    error_message: span.status.message,
    ...UNPLACED,
  };
  // The identity comes first: readers find the record in its frame by this prefix (records.ts).
  writer.add(
    {
      kind: C.SpanKinds.STEP,
      runId,
      stepId,
      name,
      type,
      status,
      startedAt: nanosToIso(span.startTimeUnixNano),
      endedAt: nanosToIso(span.endTimeUnixNano),
      ...payloads.values,
      refs: payloads.refs,
      error: span.status.message || undefined,
    },
    row
  );
  return row;
}

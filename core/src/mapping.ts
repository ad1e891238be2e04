import * as C from '@xray/otel';
import { count, json, num, str } from './attributes.js';
import { formatEventId, RUN_ID_RE } from './ids.js';
import { type DecisionRow, eliminationRatio, type PayloadRef, type RunRow, type StepRow } from './rows.js';
import { payloadKey } from './s3-keys.js';
import type { XEvent, XSpan } from './span.js';
import { isStorableNanos, nanosToClickHouse, nanosToIso } from './time.js';

/** Largest count kept exactly (UInt64 columns; JavaScript numbers are exact up to 2^53). */
const UINT64 = Number.MAX_SAFE_INTEGER;

/** One S3 object to write: a span's JSON Lines payload. */
export interface PayloadObject {
  key: string;
  body: Buffer;
}

/** Everything one batch of spans becomes: rows for the three tables and the payload objects. */
export interface WriteBatch {
  runs: RunRow[];
  steps: StepRow[];
  decisions: DecisionRow[];
  objects: PayloadObject[];
  /** Spans or decisions the mapping could not use (e.g. an unknown outcome), with why. */
  skipped: { spanId: string; reason: string }[];
}

/** An empty batch, to accumulate into. */
export function emptyBatch(): WriteBatch {
  return { runs: [], steps: [], decisions: [], objects: [], skipped: [] };
}

/**
 * Maps X-Ray spans to rows and payload objects. Pure and deterministic: the same spans always give
 * the same rows, keys and bytes, which is what makes re-delivery harmless. Counts come from the
 * span attributes the SDK computed, never from counting events, so they stay exact whatever
 * order spans arrive in and whichever processor handles them.
 */
export function mapSpans(projectId: string, spans: readonly XSpan[], into: WriteBatch = emptyBatch()): WriteBatch {
  for (const span of spans) {
    const kind = span.attributes[C.ATTR_XRAY_SPAN_KIND];
    if (kind === C.SpanKinds.RUN) mapRun(projectId, span, into);
    else if (kind === C.SpanKinds.STEP || kind === C.SpanKinds.DECISIONS) mapStepOrChunk(projectId, span, into);
    else into.skipped.push({ spanId: span.spanId, reason: `unknown ${C.ATTR_XRAY_SPAN_KIND} ${JSON.stringify(kind)}` });
  }
  return into;
}

/** Builds a JSON Lines object line by line, remembering each line's byte range. */
class LinesWriter {
  readonly #lines: string[] = [];
  #offset = 0;

  constructor(readonly key: string) {}

  add(record: unknown): PayloadRef {
    const line = `${JSON.stringify(record)}\n`;
    // Measuring is cheaper than encoding each line; the object is encoded once, in toObject().
    const length = Buffer.byteLength(line, 'utf8');
    const ref = { payload_key: this.key, payload_offset: this.#offset, payload_length: length };
    this.#lines.push(line);
    this.#offset += length;
    return ref;
  }

  toObject(): PayloadObject {
    // Each line is encoded straight into its place: no joined copy of the whole object as a string.
    const body = Buffer.allocUnsafe(this.#offset);
    let at = 0;
    for (const line of this.#lines) at += body.write(line, at, 'utf8');
    return { key: this.key, body };
  }
}

/** A span's end, or its start when the end is missing or before it. */
function endOf(span: XSpan): string {
  const { startTimeUnixNano: start, endTimeUnixNano: end } = span;
  return isStorableNanos(end) && (end.length > start.length || (end.length === start.length && end >= start)) ? end : start;
}

/** The run id: the `xray.run.id` attribute when it has the run id's form, else the trace id (it ends up in S3 keys). */
function runIdOf(span: XSpan): string {
  const attribute = str(span.attributes, C.ATTR_XRAY_RUN_ID, span.traceId);
  return RUN_ID_RE.test(attribute) ? attribute : span.traceId;
}

function mapRun(projectId: string, span: XSpan, into: WriteBatch): void {
  const a = span.attributes;
  const runId = runIdOf(span);
  const writer = new LinesWriter(payloadKey(projectId, runId, span.spanId, span.startTimeUnixNano));
  const pipeline = str(a, C.ATTR_XRAY_PIPELINE_NAME, span.name);
  const status = str(a, C.ATTR_XRAY_RUN_STATUS, span.status.code === 2 ? C.RunStatuses.ERROR : C.RunStatuses.OK);
  const ref = writer.add({
    kind: C.SpanKinds.RUN,
    runId,
    pipeline,
    status,
    startedAt: nanosToIso(span.startTimeUnixNano),
    endedAt: nanosToIso(span.endTimeUnixNano),
    input: json(a, C.ATTR_XRAY_RUN_INPUT),
    output: json(a, C.ATTR_XRAY_RUN_OUTPUT),
    error: span.status.message || undefined,
  });
  const input = count(a, C.ATTR_XRAY_RUN_INPUT_COUNT, UINT64);
  const output = count(a, C.ATTR_XRAY_RUN_OUTPUT_COUNT, UINT64);
  into.runs.push({
    project_id: projectId,
    run_id: runId,
    pipeline,
    status,
    started_at: nanosToClickHouse(span.startTimeUnixNano),
    ended_at: nanosToClickHouse(endOf(span)),
    total_steps: count(a, C.ATTR_XRAY_RUN_STEP_COUNT),
    input_count: input,
    output_count: output,
    elimination_ratio: eliminationRatio(input, output),
    error_message: span.status.message,
    ...ref,
  });
  into.objects.push(writer.toObject());
}

function mapStepOrChunk(projectId: string, span: XSpan, into: WriteBatch): void {
  const a = span.attributes;
  const runId = runIdOf(span);
  const isStep = a[C.ATTR_XRAY_SPAN_KIND] === C.SpanKinds.STEP;
  const stepId = str(a, C.ATTR_XRAY_STEP_ID, isStep ? span.spanId : span.parentSpanId);
  const writer = new LinesWriter(payloadKey(projectId, runId, span.spanId, span.startTimeUnixNano));
  if (isStep) into.steps.push(stepRow(projectId, runId, stepId, span, writer));
  // A decision's position is its own `seq` when sampled, else its place after the span's offset.
  let position = count(a, C.ATTR_XRAY_DECISIONS_OFFSET);
  for (const event of span.events) {
    if (event.name !== C.EVENT_XRAY_DECISION) continue;
    const seq = C.ATTR_XRAY_DECISION_SEQ in event.attributes ? count(event.attributes, C.ATTR_XRAY_DECISION_SEQ) : position;
    position++;
    const row = decisionRow(projectId, runId, stepId, seq, event, span.startTimeUnixNano, writer);
    if (typeof row === 'string') into.skipped.push({ spanId: span.spanId, reason: row });
    else into.decisions.push(row);
  }
  const object = writer.toObject();
  if (object.body.length > 0) into.objects.push(object);
}

function stepRow(projectId: string, runId: string, stepId: string, span: XSpan, writer: LinesWriter): StepRow {
  const a = span.attributes;
  const name = str(a, C.ATTR_XRAY_STEP_NAME, span.name);
  const type = str(a, C.ATTR_XRAY_STEP_TYPE, C.StepTypes.CUSTOM);
  const status = str(a, C.ATTR_XRAY_STEP_STATUS, span.status.code === 2 ? C.RunStatuses.ERROR : C.RunStatuses.OK);
  const ref = writer.add({
    kind: C.SpanKinds.STEP,
    runId,
    stepId,
    name,
    type,
    status,
    startedAt: nanosToIso(span.startTimeUnixNano),
    endedAt: nanosToIso(span.endTimeUnixNano),
    input: json(a, C.ATTR_XRAY_STEP_INPUT),
    output: json(a, C.ATTR_XRAY_STEP_OUTPUT),
    error: span.status.message || undefined,
  });
  const input = count(a, C.ATTR_XRAY_STEP_INPUT_COUNT, UINT64);
  const output = count(a, C.ATTR_XRAY_STEP_OUTPUT_COUNT, UINT64);
  const decisions = count(a, C.ATTR_XRAY_STEP_DECISION_COUNT, UINT64);
  return {
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
    recorded_count: C.ATTR_XRAY_STEP_RECORDED_COUNT in a ? count(a, C.ATTR_XRAY_STEP_RECORDED_COUNT, UINT64) : decisions,
    capture: str(a, C.ATTR_XRAY_STEP_CAPTURE, C.CaptureLevels.FULL),
    elimination_ratio: eliminationRatio(input, output),
    error_message: span.status.message,
    ...ref,
  };
}

function decisionRow(
  projectId: string,
  runId: string,
  stepId: string,
  seq: number,
  event: XEvent,
  spanStart: string,
  writer: LinesWriter,
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

import { SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_XRAY_DECISIONS_OFFSET,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_CAPTURE,
  ATTR_XRAY_STEP_DECISION_COUNT,
  ATTR_XRAY_STEP_ELIMINATED_COUNT,
  ATTR_XRAY_STEP_ID,
  ATTR_XRAY_STEP_INDEX,
  ATTR_XRAY_STEP_INPUT,
  ATTR_XRAY_STEP_INPUT_COUNT,
  ATTR_XRAY_STEP_KEPT_COUNT,
  ATTR_XRAY_STEP_NAME,
  ATTR_XRAY_STEP_OUTPUT,
  ATTR_XRAY_STEP_OUTPUT_COUNT,
  ATTR_XRAY_STEP_PARENT_ID,
  ATTR_XRAY_STEP_RECORDED_COUNT,
  ATTR_XRAY_STEP_SCORED_COUNT,
  ATTR_XRAY_STEP_STATUS,
  ATTR_XRAY_STEP_TYPE,
  RunStatuses,
  SpanKinds,
  StepTypes,
  isStepType,
  type CaptureLevel,
  type StepType,
} from '@xray/otel';
import { DecisionRecorder, type DecisionTally, type RecorderDeps } from './recorder.js';

/** The part of a run's state a step needs. */
export interface StepParent {
  context: Context;
  runId: string;
  /** Incremented by each step started, nested ones included: the next step's index. */
  nextStepIndex: number;
}

/** A step span in progress. */
export interface StepRecord {
  span: Span;
  stepId: string;
  runId: string;
  index: number;
  /** True for a step started inside another step's function. */
  nested: boolean;
  recorder: DecisionRecorder;
  /** Whether `record` was called: then the step function's return value is not read as decisions. */
  streamed: boolean;
  ended: boolean;
}

/** What a finished step contributes to its run's counts. */
export interface StepCounts {
  index: number;
  nested: boolean;
  /** The step ended with status error (counted in the run's failed steps, nested ones too). */
  failed: boolean;
  inputCount: number;
  outputCount: number;
}

/**
 * Starts the step span: a child of the enclosing step when nested, else of the run span. The index
 * is the run-wide order in which steps start.
 */
export function beginStep(
  deps: RecorderDeps,
  run: StepParent,
  parent: StepRecord | undefined,
  type: StepType,
  name: string,
  input: unknown,
  capture: CaptureLevel
): StepRecord {
  const index = run.nextStepIndex++;
  const stepName = String(name);
  const attributes: Attributes = {
    [ATTR_XRAY_SPAN_KIND]: SpanKinds.STEP,
    [ATTR_XRAY_RUN_ID]: run.runId,
    [ATTR_XRAY_STEP_NAME]: stepName,
    // An unknown type (from untyped callers) is recorded as custom rather than rejected downstream.
    [ATTR_XRAY_STEP_TYPE]: isStepType(type) ? type : StepTypes.CUSTOM,
    [ATTR_XRAY_STEP_INDEX]: index,
    [ATTR_XRAY_STEP_CAPTURE]: capture,
    // The step span carries the step's first decision events: their positions start at 0 here.
    [ATTR_XRAY_DECISIONS_OFFSET]: 0,
  };
  if (parent) attributes[ATTR_XRAY_STEP_PARENT_ID] = parent.stepId;
  const parentContext = parent ? trace.setSpan(run.context, parent.span) : run.context;
  const span = deps.tracer.startSpan(stepName, { attributes }, parentContext);
  deps.stats.spansStarted++;
  const stepId = span.spanContext().spanId;
  const more: Attributes = { [ATTR_XRAY_STEP_ID]: stepId };
  deps.payloads.set(more, ATTR_XRAY_STEP_INPUT, input);
  span.setAttributes(more);
  const recorder = new DecisionRecorder(deps, { span, stepId, runId: run.runId, name: stepName, index }, capture);
  return {
    span,
    stepId,
    runId: run.runId,
    index,
    nested: parent !== undefined,
    recorder,
    streamed: false,
    ended: false,
  };
}

/** Records the decisions `fn` returned (unless it streamed them) and ends the step span with status ok. */
export function finishStep(deps: RecorderDeps, step: StepRecord, input: unknown, result: unknown): StepCounts {
  step.ended = true;
  try {
    if (!step.streamed) {
      // Indexed, not iterated: a caller's array with a hostile iterator must not matter.
      if (Array.isArray(result)) for (let i = 0; i < result.length; i++) step.recorder.add(result[i]);
      else deps.stats.invalidResults++;
    }
    const tally = step.recorder.finish();
    const inputCount = Array.isArray(input) ? input.length : tally.decisionCount;
    step.span.setAttributes(countAttributes(RunStatuses.OK, inputCount, tally));
    const output: Attributes = {};
    deps.payloads.setJson(output, ATTR_XRAY_STEP_OUTPUT, tally.survivorOutputs.json());
    step.span.setAttributes(output);
    step.span.setStatus({ code: SpanStatusCode.OK });
    return {
      index: step.index,
      nested: step.nested,
      failed: false,
      inputCount,
      outputCount: tally.kept + tally.scored,
    };
  } finally {
    step.span.end();
  }
}

/**
 * Records the caller's error on the step span (status error) and ends it. Decisions streamed
 * before the error keep their counts: a failed step shows how far it got.
 */
export function failStep(step: StepRecord, input: unknown, error: unknown): StepCounts {
  step.ended = true;
  try {
    const tally = step.recorder.finish();
    const inputCount = Array.isArray(input) ? input.length : tally.decisionCount;
    step.span.setAttributes(countAttributes(RunStatuses.ERROR, inputCount, tally));
    recordError(step.span, error);
    return { index: step.index, nested: step.nested, failed: true, inputCount, outputCount: tally.kept + tally.scored };
  } finally {
    step.span.end();
  }
}

function countAttributes(status: string, inputCount: number, tally: DecisionTally): Attributes {
  return {
    [ATTR_XRAY_STEP_STATUS]: status,
    [ATTR_XRAY_STEP_INPUT_COUNT]: inputCount,
    [ATTR_XRAY_STEP_OUTPUT_COUNT]: tally.kept + tally.scored,
    [ATTR_XRAY_STEP_KEPT_COUNT]: tally.kept,
    [ATTR_XRAY_STEP_ELIMINATED_COUNT]: tally.eliminated,
    [ATTR_XRAY_STEP_SCORED_COUNT]: tally.scored,
    [ATTR_XRAY_STEP_DECISION_COUNT]: tally.decisionCount,
    [ATTR_XRAY_STEP_RECORDED_COUNT]: tally.recordedCount,
  };
}

/** Records `error` on `span` (exception event, status ERROR); tolerates any thrown value. */
export function recordError(span: Span, error: unknown): void {
  let message: string;
  try {
    message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : message);
  } catch {
    message = 'unknown error';
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

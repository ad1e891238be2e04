import { SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_XRAY_DECISIONS_OFFSET,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_SPAN_KIND,
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
  ATTR_XRAY_STEP_SCORED_COUNT,
  ATTR_XRAY_STEP_STATUS,
  ATTR_XRAY_STEP_TYPE,
  RunStatuses,
  SpanKinds,
  StepTypes,
  isStepType,
  type StepType,
} from '@xray/otel';
import { recordDecisions, type DecisionTally, type RecorderDeps, type StepTarget } from './recorder.js';

/** The part of a run's state a step needs. */
export interface StepParent {
  context: Context;
  runId: string;
  /** Incremented by each step started: the next step's index. */
  nextStepIndex: number;
}

/** A step span in progress. */
export interface StepRecord extends StepTarget {
  index: number;
}

/** What a finished step contributes to its run's counts. */
export interface StepCounts {
  index: number;
  inputCount: number;
  outputCount: number;
}

/** Starts the step span as a child of the run span; the index is the order in which steps start. */
export function beginStep(deps: RecorderDeps, run: StepParent, type: StepType, name: string, input: unknown): StepRecord {
  const index = run.nextStepIndex++;
  const stepName = String(name);
  const span = deps.tracer.startSpan(
    stepName,
    {
      attributes: {
        [ATTR_XRAY_SPAN_KIND]: SpanKinds.STEP,
        [ATTR_XRAY_RUN_ID]: run.runId,
        [ATTR_XRAY_STEP_NAME]: stepName,
        // An unknown type (from untyped callers) is recorded as custom rather than rejected downstream.
        [ATTR_XRAY_STEP_TYPE]: isStepType(type) ? type : StepTypes.CUSTOM,
        [ATTR_XRAY_STEP_INDEX]: index,
        // The step span carries the step's first decisions: sequence numbers start at 0 here.
        [ATTR_XRAY_DECISIONS_OFFSET]: 0,
      },
    },
    run.context,
  );
  deps.stats.spansStarted++;
  const stepId = span.spanContext().spanId;
  span.setAttribute(ATTR_XRAY_STEP_ID, stepId);
  const json = input === undefined ? undefined : deps.serialize(input);
  if (json !== undefined) span.setAttribute(ATTR_XRAY_STEP_INPUT, json);
  return { span, stepId, runId: run.runId, name: stepName, index };
}

/** Records the decisions `fn` returned and ends the step span with status ok. */
export function finishStep(deps: RecorderDeps, step: StepRecord, input: unknown, result: unknown): StepCounts {
  try {
    let tally: DecisionTally = { kept: 0, eliminated: 0, scored: 0, decisionCount: 0, survivorOutputs: [] };
    if (Array.isArray(result)) tally = recordDecisions(deps, step, result);
    else deps.stats.invalidResults++;
    const inputCount = Array.isArray(input) ? input.length : tally.decisionCount;
    const outputCount = tally.kept + tally.scored;
    step.span.setAttributes(countAttributes(RunStatuses.OK, inputCount, tally));
    const output = deps.serialize(tally.survivorOutputs);
    if (output !== undefined) step.span.setAttribute(ATTR_XRAY_STEP_OUTPUT, output);
    step.span.setStatus({ code: SpanStatusCode.OK });
    return { index: step.index, inputCount, outputCount };
  } finally {
    step.span.end();
  }
}

/** Records the caller's error on the step span (status error, all decision counts 0) and ends it. */
export function failStep(step: StepRecord, input: unknown, error: unknown): StepCounts {
  try {
    const inputCount = Array.isArray(input) ? input.length : 0;
    const none: DecisionTally = { kept: 0, eliminated: 0, scored: 0, decisionCount: 0, survivorOutputs: [] };
    step.span.setAttributes(countAttributes(RunStatuses.ERROR, inputCount, none));
    recordError(step.span, error);
    return { index: step.index, inputCount, outputCount: 0 };
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

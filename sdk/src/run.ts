import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_XRAY_PIPELINE_NAME,
  ATTR_XRAY_RUN_FAILED_STEP_COUNT,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_RUN_INPUT,
  ATTR_XRAY_RUN_INPUT_COUNT,
  ATTR_XRAY_RUN_OUTPUT,
  ATTR_XRAY_RUN_OUTPUT_COUNT,
  ATTR_XRAY_RUN_STATUS,
  ATTR_XRAY_RUN_STEP_COUNT,
  ATTR_XRAY_SPAN_KIND,
  RunStatuses,
  SpanKinds,
  type CaptureLevel,
} from '@xray/otel';
import { resultCount } from './decision.js';
import type { PayloadWriter } from './payloads.js';
import { recordError, type StepCounts } from './step.js';

/** State of one run in flight. */
export interface RunState {
  span: Span;
  context: Context;
  runId: string;
  /** The run's capture level override, if any. */
  capture: CaptureLevel | undefined;
  /** `input.length` when the run input is an array. */
  inputCount: number | undefined;
  /** Every step started, nested ones included: the next step's run-wide index. */
  nextStepIndex: number;
  /** Top-level steps started. */
  topLevelSteps: number;
  /** Steps that ended with status error, nested ones included, whether or not the caller caught the error. */
  failedSteps: number;
  firstStep: { index: number; inputCount: number } | undefined;
  lastStep: { index: number; outputCount: number } | undefined;
}

/**
 * Starts a run's root span (its trace id is the run id), linked to the span active in the caller's
 * context so the request trace leads to it, with the run's input recorded.
 */
export function openRun(
  tracer: Tracer,
  payloads: PayloadWriter,
  pipelineName: string,
  input: unknown,
  capture: CaptureLevel | undefined
): RunState {
  const active = trace.getSpan(context.active())?.spanContext();
  const links: Link[] = active && isSpanContextValid(active) ? [{ context: active }] : [];
  const span = tracer.startSpan(pipelineName, { root: true, links }, ROOT_CONTEXT);
  const runId = span.spanContext().traceId;
  const attributes: Attributes = {
    [ATTR_XRAY_SPAN_KIND]: SpanKinds.RUN,
    [ATTR_XRAY_RUN_ID]: runId,
    [ATTR_XRAY_PIPELINE_NAME]: pipelineName,
  };
  payloads.set(attributes, ATTR_XRAY_RUN_INPUT, input);
  span.setAttributes(attributes);
  return {
    span,
    context: trace.setSpan(ROOT_CONTEXT, span),
    runId,
    capture,
    inputCount: Array.isArray(input) ? input.length : undefined,
    nextStepIndex: 0,
    topLevelSteps: 0,
    failedSteps: 0,
    firstStep: undefined,
    lastStep: undefined,
  };
}

/** A run id nothing is recorded under, for calls X-Ray ignores (after shutdown, on an internal failure). */
export function randomRunId(): string {
  return randomBytes(16).toString('hex');
}

/** Folds a finished step into its run's counts: failures of any step, the other counts of top-level steps only. */
export function noteStep(run: RunState, counts: StepCounts): void {
  if (counts.failed) run.failedSteps++;
  if (counts.nested) return;
  if (!run.firstStep || counts.index < run.firstStep.index)
    run.firstStep = { index: counts.index, inputCount: counts.inputCount };
  if (!run.lastStep || counts.index > run.lastStep.index)
    run.lastStep = { index: counts.index, outputCount: counts.outputCount };
}

/** How a run ended. */
export interface RunEnding {
  result: unknown;
  /** Set when the run failed: the error to record (any value, even undefined). */
  failure?: { error: unknown } | undefined;
  /** Set when shutdown ended a run its caller never ended. */
  abandoned?: string | undefined;
}

/** Sets the run span's counts, output and status, then ends it (even if recording fails). */
export function finishRun(run: RunState, ending: RunEnding, payloads: PayloadWriter): void {
  const span = run.span;
  try {
    const failed = ending.abandoned !== undefined || ending.failure !== undefined;
    const attributes: Attributes = {
      [ATTR_XRAY_RUN_STATUS]: failed ? RunStatuses.ERROR : RunStatuses.OK,
      [ATTR_XRAY_RUN_STEP_COUNT]: run.topLevelSteps,
      [ATTR_XRAY_RUN_FAILED_STEP_COUNT]: run.failedSteps,
      [ATTR_XRAY_RUN_INPUT_COUNT]: run.inputCount ?? run.firstStep?.inputCount ?? 0,
      [ATTR_XRAY_RUN_OUTPUT_COUNT]: safeResultCount(ending.result) ?? run.lastStep?.outputCount ?? 0,
    };
    span.setAttributes(attributes);
    const output: Attributes = {};
    payloads.set(output, ATTR_XRAY_RUN_OUTPUT, ending.result);
    span.setAttributes(output);
    if (ending.abandoned !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: ending.abandoned });
    else if (ending.failure) recordError(span, ending.failure.error);
    else span.setStatus({ code: SpanStatusCode.OK });
  } finally {
    span.end();
  }
}

function safeResultCount(result: unknown): number | undefined {
  try {
    return resultCount(result);
  } catch {
    return undefined; // a throwing getter in the result: fall back to the last step's count
  }
}

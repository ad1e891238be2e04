/**
 * Runs as a test describes them (pipeline, steps, decisions) and the spans an SDK would send for
 * them, for routes.fixture.ts to write as the processor writes them.
 */
import { randomBytes } from 'node:crypto';
import type { Attributes, XEvent, XSpan } from '@xray/core/model';
import * as C from '@xray/otel';

/** A decision: item, outcome, reason, and optionally a reason code, score and payload. */
export type DecisionSpec = [
  itemId: string,
  outcome: 'kept' | 'eliminated' | 'scored',
  reason: string,
  extra?: { code?: string; score?: number; input?: unknown; important?: boolean; attributes?: Attributes },
];

export interface StepSpec {
  name: string;
  type?: string;
  /** Counts default to what the decisions say. */
  input?: number;
  decisions: DecisionSpec[];
  /** Index of the enclosing step, for a nested step. */
  parent?: number;
  /** error: the step failed (the SDK's failStep: its output count is what its decisions kept, 0 without any). */
  status?: 'ok' | 'error';
  /** More attributes of the step span (e.g. a payload reference). */
  attributes?: Attributes;
}

export interface RunSpec {
  pipeline: string;
  /** When the run started, in ms since the epoch (default: now). */
  at?: number;
  status?: 'ok' | 'error';
  steps: StepSpec[];
  /** More attributes of the run span (e.g. a payload reference). */
  attributes?: Attributes;
}

export interface WrittenRun {
  runId: string;
  stepIds: string[];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nanos = (ms: number) => `${ms}000000`;

/** The spans an SDK would send for `spec`. */
export function runSpans(spec: RunSpec): { run: WrittenRun; spans: XSpan[] } {
  const runId = hex(16);
  const runSpanId = hex(8);
  const start = spec.at ?? Date.now();
  const stepIds = spec.steps.map(() => hex(8));
  const span = (
    spanId: string,
    kind: string,
    startMs: number,
    attributes: XSpan['attributes'],
    events: XEvent[] = [],
    status = spec.status
  ) => ({
    traceId: runId,
    spanId,
    parentSpanId: kind === C.SpanKinds.RUN ? '' : runSpanId,
    name: kind,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + 10),
    attributes: { [C.ATTR_XRAY_SPAN_KIND]: kind, [C.ATTR_XRAY_RUN_ID]: runId, ...attributes },
    events,
    status: { code: status === 'error' ? 2 : 0, message: status === 'error' ? 'it broke' : '' },
  });
  // A step fails with its run unless it says otherwise.
  const statusOf = (st: StepSpec) => st.status ?? spec.status ?? C.RunStatuses.OK;
  const steps = spec.steps.map((st, i) => {
    const counts = (outcome: string) => st.decisions.filter(([, o]) => o === outcome).length;
    const input = st.input ?? st.decisions.length;
    const events = st.decisions.map(([itemId, outcome, reason, extra = {}]) => ({
      timeUnixNano: nanos(start + i + 1),
      name: C.EVENT_XRAY_DECISION,
      attributes: {
        [C.ATTR_XRAY_DECISION_ITEM_ID]: itemId,
        [C.ATTR_XRAY_DECISION_OUTCOME]: outcome,
        [C.ATTR_XRAY_DECISION_REASON]: reason,
        ...(extra.code ? { [C.ATTR_XRAY_DECISION_REASON_CODE]: extra.code } : {}),
        ...(extra.score !== undefined ? { [C.ATTR_XRAY_DECISION_SCORE]: extra.score } : {}),
        ...(extra.important ? { [C.ATTR_XRAY_DECISION_IMPORTANT]: true } : {}),
        ...(extra.input !== undefined ? { [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify(extra.input) } : {}),
        ...extra.attributes,
      },
    }));
    return span(
      stepIds[i]!,
      C.SpanKinds.STEP,
      start + i + 1,
      {
        [C.ATTR_XRAY_STEP_ID]: stepIds[i]!,
        [C.ATTR_XRAY_STEP_NAME]: st.name,
        [C.ATTR_XRAY_STEP_TYPE]: st.type ?? C.StepTypes.FILTER,
        [C.ATTR_XRAY_STEP_INDEX]: i,
        [C.ATTR_XRAY_STEP_INPUT_COUNT]: input,
        [C.ATTR_XRAY_STEP_STATUS]: statusOf(st),
        [C.ATTR_XRAY_STEP_OUTPUT_COUNT]:
          statusOf(st) === 'error' ? counts('kept') + counts('scored') : input - counts('eliminated'),
        [C.ATTR_XRAY_STEP_KEPT_COUNT]: counts('kept'),
        [C.ATTR_XRAY_STEP_ELIMINATED_COUNT]: counts('eliminated'),
        [C.ATTR_XRAY_STEP_SCORED_COUNT]: counts('scored'),
        [C.ATTR_XRAY_STEP_DECISION_COUNT]: st.decisions.length,
        [C.ATTR_XRAY_STEP_INPUT]: JSON.stringify({ step: st.name }),
        ...(st.parent !== undefined ? { [C.ATTR_XRAY_STEP_PARENT_ID]: stepIds[st.parent]! } : {}),
        ...st.attributes,
      },
      events,
      statusOf(st)
    );
  });
  const top = spec.steps.filter((st) => st.parent === undefined);
  const first = top[0]?.input ?? top[0]?.decisions.length ?? 0;
  const last = top.reduce((left, st) => left - st.decisions.filter(([, o]) => o === 'eliminated').length, first);
  const run = span(runSpanId, C.SpanKinds.RUN, start, {
    [C.ATTR_XRAY_PIPELINE_NAME]: spec.pipeline,
    [C.ATTR_XRAY_RUN_STEP_COUNT]: top.length,
    [C.ATTR_XRAY_RUN_FAILED_STEP_COUNT]: spec.steps.filter((st) => statusOf(st) === 'error').length,
    [C.ATTR_XRAY_RUN_INPUT_COUNT]: first,
    [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: last,
    [C.ATTR_XRAY_RUN_INPUT]: JSON.stringify({ query: spec.pipeline }),
    ...spec.attributes,
  });
  return { run: { runId, stepIds }, spans: [run, ...steps] };
}

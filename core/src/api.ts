import { clickhouseTimeToIso } from './time.js';
import { formatEventId } from './ids.js';

/** The query API's response shapes (JSON), and the conversions from the rows the queries return. */

export interface RunSummary {
  runId: string;
  pipeline: string;
  status: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  totalSteps: number;
  inputCount: number;
  outputCount: number;
  eliminationRatio: number;
  error?: string;
}

export interface StepSummary {
  stepId: string;
  runId: string;
  index: number;
  /** The enclosing step for a nested step. */
  parentStepId?: string;
  name: string;
  type: string;
  status: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  inputCount: number;
  outputCount: number;
  keptCount: number;
  eliminatedCount: number;
  scoredCount: number;
  decisionCount: number;
  /** Decisions recorded and listable; fewer than decisionCount when the step was sampled. */
  recordedCount: number;
  /** `metrics_only`, `sampled` or `full`. */
  capture: string;
  eliminationRatio: number;
  /**
   * This step's share of everything the run's top-level steps eliminated (0-1); a nested step's
   * share is of the same total. 0 when nothing was eliminated.
   */
  eliminationShare: number;
  error?: string;
}

export interface DecisionSummary {
  eventId: string;
  runId: string;
  stepId: string;
  seq: number;
  itemId: string;
  outcome: string;
  reason: string;
  reasonCode?: string;
  score: number | null;
  important?: boolean;
  timestamp: string;
}

/** A decision with its full payload from S3. */
export interface DecisionDetail extends DecisionSummary {
  input?: unknown;
  output?: unknown;
  metadata?: unknown;
}


/** `GET /v1/pipelines` */
export interface PipelineListResponse {
  pipelines: PipelineSummary[];
}
export interface PipelineSummary {
  name: string;
  runs: number;
  lastRunAt: string;
  /** Of all the input of its runs in the range, the share its runs eliminated. */
  eliminationRatio: number;
}

/** `GET /v1/runs` */
export interface RunListResponse {
  runs: RunSummary[];
  nextCursor: string | null;
}
/** `GET /v1/runs/{runId}/steps` */
export interface StepListResponse {
  runId: string;
  /** In execution order: the run's funnel. */
  steps: StepSummary[];
  /** The top-level step that eliminated the most items (the first of equals); null when none eliminated any. */
  worstStepId: string | null;
}
/** `GET /v1/steps/{stepId}/reasons` */
export interface ReasonHistogramResponse {
  stepId: string;
  /** Decisions the step made, and how many of them were recorded (the histogram counts recorded ones). */
  decisionCount: number;
  recordedCount: number;
  capture: string;
  reasons: ReasonCount[];
}
export interface ReasonCount {
  /** The reason code where the SDK sent one, else the reason text. */
  reason: string;
  byCode: boolean;
  decisions: number;
  /** Share of the recorded decisions listed (after the outcome filter). */
  share: number;
  examples: { eventId: string; itemId: string; outcome: string; reason: string }[];
}
/** `GET /v1/steps/{stepId}/decisions` */
export interface DecisionListResponse {
  stepId: string;
  decisions: DecisionSummary[];
  nextCursor: string | null;
}
/** Every error answer: a stable code and a sentence a person can act on. */
export interface ErrorResponse {
  error: { code: string; message: string };
}

type Row = Record<string, unknown>;

const n = (v: unknown): number => Number(v ?? 0);
const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function toPipelineSummary(r: Row): PipelineSummary {
  const input = n(r.input);
  return { name: s(r.pipeline), runs: n(r.runs), lastRunAt: clickhouseTimeToIso(s(r.last_run_text)), eliminationRatio: input > 0 ? n(r.eliminated) / input : 0 };
}

export function toRunSummary(r: Row): RunSummary {
  return {
    runId: s(r.run_id),
    pipeline: s(r.pipeline),
    status: s(r.status),
    startedAt: clickhouseTimeToIso(s(r.started_text)),
    endedAt: clickhouseTimeToIso(s(r.ended_text)),
    durationMs: n(r.duration_ms),
    totalSteps: n(r.total_steps),
    inputCount: n(r.input_count),
    outputCount: n(r.output_count),
    eliminationRatio: n(r.elimination_ratio),
    ...(r.error_message ? { error: s(r.error_message) } : {}),
  };
}

export function toStepSummary(r: Row): StepSummary {
  return {
    stepId: s(r.step_id),
    runId: s(r.run_id),
    index: n(r.step_index),
    ...(r.parent_step_id ? { parentStepId: s(r.parent_step_id) } : {}),
    name: s(r.name),
    type: s(r.type),
    status: s(r.status),
    startedAt: clickhouseTimeToIso(s(r.started_text)),
    endedAt: clickhouseTimeToIso(s(r.ended_text)),
    durationMs: n(r.duration_ms),
    inputCount: n(r.input_count),
    outputCount: n(r.output_count),
    keptCount: n(r.kept_count),
    eliminatedCount: n(r.eliminated_count),
    scoredCount: n(r.scored_count),
    decisionCount: n(r.decision_count),
    recordedCount: n(r.recorded_count),
    capture: s(r.capture),
    eliminationRatio: n(r.elimination_ratio),
    eliminationShare: 0,
    ...(r.error_message ? { error: s(r.error_message) } : {}),
  };
}

/** A run's steps as a funnel: each step's share of the run's elimination, and the worst step. */
export function toStepList(runId: string, rows: readonly Row[]): StepListResponse {
  const steps = rows.map(toStepSummary);
  const topLevel = steps.filter((st) => st.parentStepId === undefined);
  const total = topLevel.reduce((sum, st) => sum + st.eliminatedCount, 0);
  for (const st of steps) st.eliminationShare = total > 0 ? st.eliminatedCount / total : 0;
  let worst: StepSummary | undefined;
  for (const st of topLevel) if (st.eliminatedCount > 0 && (!worst || st.eliminatedCount > worst.eliminatedCount)) worst = st;
  return { runId, steps, worstStepId: worst?.stepId ?? null };
}

/** Rows of {@link reasonHistogramQuery} with the step's counts. */
export function toReasonHistogram(step: StepSummary, rows: readonly Row[]): ReasonHistogramResponse {
  const listed = rows.reduce((sum, r) => sum + n(r.decisions), 0);
  return {
    stepId: step.stepId,
    decisionCount: step.decisionCount,
    recordedCount: step.recordedCount,
    capture: step.capture,
    reasons: rows.map((r) => ({
      reason: s(r.reason_key),
      byCode: r.by_code === true || r.by_code === 1 || r.by_code === '1',
      decisions: n(r.decisions),
      share: listed > 0 ? n(r.decisions) / listed : 0,
      examples: (r.examples as unknown[][] | undefined ?? []).map(([seq, itemId, outcome, reason]) => ({
        eventId: formatEventId(step.stepId, n(seq)),
        itemId: s(itemId),
        outcome: s(outcome),
        reason: s(reason),
      })),
    })),
  };
}

export function toDecisionSummary(r: Row): DecisionSummary {
  return {
    eventId: formatEventId(s(r.step_id), n(r.seq)),
    runId: s(r.run_id),
    stepId: s(r.step_id),
    seq: n(r.seq),
    itemId: s(r.item_id),
    outcome: s(r.outcome),
    reason: s(r.reason),
    ...(r.reason_code ? { reasonCode: s(r.reason_code) } : {}),
    score: r.score === null || r.score === undefined ? null : n(r.score),
    ...(r.important === true || r.important === 1 ? { important: true } : {}),
    timestamp: clickhouseTimeToIso(s(r.timestamp_text)),
  };
}

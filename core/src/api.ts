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


/** `GET /v1/runs` */
export interface RunListResponse {
  runs: RunSummary[];
  nextCursor: string | null;
}
/** `GET /v1/runs/{runId}/steps` */
export interface StepListResponse {
  runId: string;
  steps: StepSummary[];
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
    ...(r.error_message ? { error: s(r.error_message) } : {}),
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

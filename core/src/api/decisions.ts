/** Decisions: `GET /v1/steps/{stepId}/decisions`, `/reasons`, and `GET /v1/decisions/{eventId}`. */
import { formatEventId } from '../model/ids.js';
import { clickhouseTimeToIso } from '../model/time.js';
import { n, type Row, s } from './convert.js';
import type { StepSummary } from './steps.js';

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

/** `GET /v1/steps/{stepId}/decisions` */
export interface DecisionListResponse {
  stepId: string;
  decisions: DecisionSummary[];
  nextCursor: string | null;
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
      examples: ((r.examples as unknown[][] | undefined) ?? []).map(([seq, itemId, outcome, reason]) => ({
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

/** Decisions: `GET /v1/steps/{stepId}/decisions`, `/reasons`, and `GET /v1/decisions/{eventId}`. */
import { z } from 'zod';
import { formatEventId } from '../model/ids.js';
import { clickhouseTimeToIso } from '../model/time.js';
import { IsoTime, n, type Row, s } from './convert.js';
import { NextCursor } from './paging.js';
import { PayloadInfos } from './payloads.js';
import type { StepSummary } from './steps.js';

export const DecisionSummary = z
  .object({
    eventId: z.string().describe('<step id>-<seq>: the id of GET /v1/decisions/{eventId}.'),
    runId: z.string(),
    stepId: z.string(),
    seq: z.number().describe("The decision's position among all its step made (sampled lists have gaps)."),
    itemId: z.string(),
    outcome: z.string().describe('kept, eliminated or scored'),
    reason: z.string(),
    reasonCode: z.string().optional(),
    score: z.number().nullable(),
    important: z.boolean().optional().describe('Present (true) when the SDK marked the decision important.'),
    timestamp: IsoTime,
  })
  .meta({ id: 'DecisionSummary' });
export type DecisionSummary = z.infer<typeof DecisionSummary>;

/** A decision with its payload from S3: each value inline or read by reference, and where each stands. */
export const DecisionDetail = DecisionSummary.extend({
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  metadata: z.unknown().optional(),
  /** Absent when the record itself is not in storage. */
  payloads: PayloadInfos.optional(),
}).meta({
  id: 'DecisionDetail',
  description:
    'A decision with its payload from S3. A value larger than 1 MiB stored by reference, or missing, is absent: see payloads.',
});
export type DecisionDetail = z.infer<typeof DecisionDetail>;

/** `GET /v1/steps/{stepId}/decisions` */
export const DecisionListResponse = z
  .object({ stepId: z.string(), decisions: z.array(DecisionSummary), nextCursor: NextCursor })
  .meta({ id: 'DecisionListResponse' });
export type DecisionListResponse = z.infer<typeof DecisionListResponse>;

export const ReasonCount = z
  .object({
    reason: z.string().describe('The reason code where the SDK sent one, else the reason text.'),
    byCode: z.boolean(),
    decisions: z.number(),
    share: z.number().describe('Share of the recorded decisions listed (after the outcome filter).'),
    examples: z.array(z.object({ eventId: z.string(), itemId: z.string(), outcome: z.string(), reason: z.string() })),
  })
  .meta({ id: 'ReasonCount' });
export type ReasonCount = z.infer<typeof ReasonCount>;

/** `GET /v1/steps/{stepId}/reasons` */
export const ReasonHistogramResponse = z
  .object({
    stepId: z.string(),
    decisionCount: z.number().describe('Decisions the step made.'),
    recordedCount: z.number().describe('How many of them were recorded (the histogram counts recorded ones).'),
    capture: z.string(),
    reasons: z.array(ReasonCount).describe('Most frequent first.'),
  })
  .meta({ id: 'ReasonHistogramResponse' });
export type ReasonHistogramResponse = z.infer<typeof ReasonHistogramResponse>;

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

/** Steps: `GET /v1/runs/{runId}/steps`, a run's funnel. */
import { RunStatuses } from '@xray/otel';
import { z } from 'zod';
import { clickhouseTimeToIso } from '../model/time.js';
import { IsoTime, n, type Row, s } from './convert.js';

export const StepSummary = z
  .object({
    stepId: z.string(),
    runId: z.string(),
    index: z.number().describe("The step's position in its run."),
    parentStepId: z.string().optional().describe('The enclosing step of a nested step.'),
    name: z.string(),
    type: z.string(),
    status: z.string(),
    startedAt: IsoTime,
    endedAt: IsoTime,
    durationMs: z.number(),
    inputCount: z.number(),
    outputCount: z.number(),
    keptCount: z.number(),
    eliminatedCount: z.number(),
    scoredCount: z.number(),
    decisionCount: z.number().describe('Decisions the step made.'),
    recordedCount: z
      .number()
      .describe('Decisions recorded and listable; fewer than decisionCount when the step was sampled.'),
    capture: z.string().describe('metrics_only, sampled or full'),
    eliminationRatio: z
      .number()
      .describe(
        'Of the step input, the share not in its output (0-1); 0 for a step that failed before deciding anything (it eliminated nothing).'
      ),
    eliminationShare: z
      .number()
      .describe(
        "This step's share of everything the run's top-level steps eliminated (0-1); a nested step's share is of the same total. 0 when nothing was eliminated."
      ),
    error: z.string().optional(),
  })
  .meta({ id: 'StepSummary' });
export type StepSummary = z.infer<typeof StepSummary>;

/** `GET /v1/runs/{runId}/steps` */
export const StepListResponse = z
  .object({
    runId: z.string(),
    steps: z.array(StepSummary).describe("In execution order: the run's funnel."),
    worstStepId: z
      .string()
      .nullable()
      .describe(
        'The top-level step that eliminated the most items (the first of equals); null when none eliminated any.'
      ),
  })
  .meta({ id: 'StepListResponse' });
export type StepListResponse = z.infer<typeof StepListResponse>;

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
    eliminationRatio: failedBeforeDeciding(s(r.status), n(r.decision_count)) ? 0 : n(r.elimination_ratio),
    eliminationShare: 0,
    ...(r.error_message ? { error: s(r.error_message) } : {}),
  };
}

/**
 * A step that failed before making any decision: its output count is 0 but it eliminated nothing.
 * Rows written before the mapping stored 0 for its ratio still hold 1; this reads both as 0.
 */
export function failedBeforeDeciding(status: string, decisionCount: number): boolean {
  return status === RunStatuses.ERROR && decisionCount === 0;
}

/** A run's steps as a funnel: each step's share of the run's elimination, and the worst step. */
export function toStepList(runId: string, rows: readonly Row[]): StepListResponse {
  const steps = rows.map(toStepSummary);
  const topLevel = steps.filter((st) => st.parentStepId === undefined);
  const total = topLevel.reduce((sum, st) => sum + st.eliminatedCount, 0);
  for (const st of steps) st.eliminationShare = total > 0 ? st.eliminatedCount / total : 0;
  let worst: StepSummary | undefined;
  for (const st of topLevel) {
    if (failedBeforeDeciding(st.status, st.decisionCount)) continue; // it eliminated nothing, whatever its counts
    if (st.eliminatedCount > 0 && (!worst || st.eliminatedCount > worst.eliminatedCount)) worst = st;
  }
  return { runId, steps, worstStepId: worst?.stepId ?? null };
}

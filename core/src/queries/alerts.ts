/**
 * The SQL of alert evaluation: pure builders returning `{ query, query_params }`. Windows are
 * [fromMs, toMs) on the step's start (steps) or the decision's own time (watch-listed items).
 */
import type { BoundQuery } from './bound.js';
import { STEP_ELIMINATED_SQL } from './steps.js';

const WINDOW = (column: string) =>
  `${column} >= fromUnixTimestamp64Milli({fromMs:Int64}) AND ${column} < fromUnixTimestamp64Milli({toMs:Int64})`;

// steps has no pipeline column: a pipeline's runs come from runs (a run whose step started in the
// window started before its end and ended after its start). A run is counted once its span arrives.
const PIPELINE_RUNS = `run_id IN (SELECT run_id FROM runs FINAL WHERE project_id = {projectId:String} AND pipeline = {pipeline:String}
      AND started_at < fromUnixTimestamp64Milli({toMs:Int64}) AND ended_at >= fromUnixTimestamp64Milli({fromMs:Int64}))`;

export interface StepWindow {
  projectId: string;
  pipeline: string;
  step: string;
  fromMs: number;
  toMs: number;
}

/** Eliminated and input counts of a named step over the window, exact (FINAL). */
export function eliminationRatioQuery(w: StepWindow): BoundQuery {
  return {
    query: `SELECT sum(${STEP_ELIMINATED_SQL}) AS eliminated, sum(input_count) AS input, count() AS steps FROM steps FINAL
            WHERE project_id = {projectId:String} AND name = {step:String} AND ${WINDOW('started_at')} AND ${PIPELINE_RUNS}`,
    query_params: { ...w },
  };
}

/** Ids of a named step's executions in the window, with their start (to split windows). */
export function stepIdsQuery(w: StepWindow): BoundQuery {
  return {
    query: `SELECT step_id, toUnixTimestamp64Milli(started_at) AS started_ms FROM steps FINAL
            WHERE project_id = {projectId:String} AND name = {step:String} AND ${WINDOW('started_at')} AND ${PIPELINE_RUNS}
            LIMIT 100000`,
    query_params: { ...w },
  };
}

export interface ReasonWindow {
  projectId: string;
  /** All step ids to read; those in `current` are the current window, the rest the previous one. */
  stepIds: string[];
  current: string[];
  reasonCode?: string;
  reason?: string;
  outcome?: string;
}

/**
 * Recorded decisions of the given steps and how many carry the reason, per window. decision_events
 * is sorted by (project_id, step_id, seq), so `step_id IN (...)` reads by the key.
 */
export function reasonShareQuery(r: ReasonWindow): BoundQuery {
  const params: Record<string, unknown> = { projectId: r.projectId, stepIds: r.stepIds, current: r.current };
  const where = ['project_id = {projectId:String}', 'step_id IN {stepIds:Array(String)}'];
  if (r.outcome !== undefined) {
    where.push('outcome = {outcome:String}');
    params.outcome = r.outcome;
  }
  const match = r.reasonCode !== undefined ? 'reason_code = {reason:String}' : 'reason = {reason:String}';
  params.reason = r.reasonCode ?? r.reason ?? '';
  return {
    query: `SELECT step_id IN {current:Array(String)} AS is_current, count() AS decisions, countIf(${match}) AS matching
            FROM decision_events FINAL WHERE ${where.join(' AND ')} GROUP BY is_current`,
    query_params: params,
  };
}

/**
 * Watch-listed items eliminated in the window, one row per item (its latest elimination). Read
 * through the item_id bloom filter index; no FINAL needed, as a repeated row names the same item.
 */
export function itemsEliminatedQuery(projectId: string, items: string[], fromMs: number, toMs: number): BoundQuery {
  return {
    query: `SELECT item_id, argMax(run_id, timestamp) AS run_id, argMax(step_id, timestamp) AS step_id, argMax(reason, timestamp) AS reason,
                   toString(max(timestamp)) AS at
            FROM decision_events
            WHERE project_id = {projectId:String} AND item_id IN {items:Array(String)} AND outcome = 'eliminated' AND ${WINDOW('timestamp')}
            GROUP BY item_id ORDER BY item_id`,
    query_params: { projectId, items, fromMs, toMs },
  };
}

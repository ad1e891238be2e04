/** Steps: a run's funnel, one step, and steps by id for naming them in other answers. */
import type { BoundQuery } from './bound.js';

const STEP_COLUMNS = `run_id, step_id, step_index, parent_step_id, name, type, status, recorded_count, capture,
  toString(started_at) AS started_text, toString(ended_at) AS ended_text,
  (toUnixTimestamp64Nano(ended_at) - toUnixTimestamp64Nano(started_at)) / 1e6 AS duration_ms,
  input_count, output_count, kept_count, eliminated_count, scored_count, decision_count,
  elimination_ratio, error_message`;

/**
 * What a step eliminated, for sums over steps: nothing when it failed before deciding anything,
 * whatever its counts say (as the API's step answers read it, see api/steps.ts).
 */
export const STEP_ELIMINATED_SQL = "if(status = 'error' AND decision_count = 0, 0, eliminated_count)";

/** A run's steps in execution order; none once the run is being deleted (it has a tombstone). */
export function listStepsQuery(projectId: string, runId: string): BoundQuery {
  return {
    query: `SELECT ${STEP_COLUMNS} FROM steps FINAL
            WHERE project_id = {projectId:String} AND run_id = {runId:String}
              AND run_id NOT IN (SELECT run_id FROM deletions WHERE project_id = {projectId:String} AND run_id = {runId:String})
            ORDER BY step_index, started_at, step_id`,
    query_params: { projectId, runId },
  };
}

/** One step by id. */
export function getStepQuery(projectId: string, stepId: string): BoundQuery {
  return {
    query: `SELECT ${STEP_COLUMNS}, payload_key, payload_offset, payload_length FROM steps FINAL
            WHERE project_id = {projectId:String} AND step_id = {stepId:String} LIMIT 1`,
    query_params: { projectId, stepId },
  };
}

/** Steps by id (with their run, name and index) for naming the steps other answers refer to. */
export function stepNamesQuery(projectId: string, runIds: readonly string[], stepIds: readonly string[]): BoundQuery {
  return {
    query: `SELECT run_id, step_id, name, step_index FROM steps FINAL
            WHERE project_id = {projectId:String} AND run_id IN {runIds:Array(String)} AND step_id IN {stepIds:Array(String)}`,
    query_params: { projectId, runIds, stepIds },
  };
}

/** Runs and pipelines: the run list, one run, runs by id, and the pipelines that ran. */
import { type BoundQuery, startedWithin } from './bound.js';

const RUN_COLUMNS = `run_id, pipeline, status, toString(started_at) AS started_text, toString(ended_at) AS ended_text,
  (toUnixTimestamp64Nano(ended_at) - toUnixTimestamp64Nano(started_at)) / 1e6 AS duration_ms,
  total_steps, failed_steps, input_count, output_count, elimination_ratio, error_message`;

/** Items a run (or a sum of runs) eliminated, from its counts: what /v1/pipelines and /v1/trends report. */
export const RUN_ELIMINATED_SQL = 'input_count - least(output_count, input_count)';

export interface RunListFilter {
  projectId: string;
  pipeline?: string;
  minEliminationRatio?: number;
  maxEliminationRatio?: number;
  /**
   * `ok`: runs that ended ok; `error`: runs that ended with an error or had a step fail (a run whose
   * caller caught a step's error ends ok, but its failed step is worth finding).
   */
  status?: string;
  /** true: only runs with failed steps; false: only runs without. */
  failedSteps?: boolean;
  /** Newest first (`time`, the default) or highest elimination ratio first (`ratio`, then newest). */
  sort?: 'time' | 'ratio';
  /** Inclusive lower bound on the start time, ms since epoch. */
  fromMillis?: number;
  /** Exclusive upper bound on the start time, ms since epoch. */
  toMillis?: number;
  /** Position after which to continue: the last run of the previous page (its ratio when sorting by ratio). */
  after?: { startedAt: string; runId: string; ratio?: number };
  limit: number;
}

export interface PipelineFilter {
  projectId: string;
  fromMillis?: number;
  toMillis?: number;
  limit: number;
}

/** The pipelines that ran in a time range, with their run counts and input-weighted elimination ratio. */
export function pipelinesQuery(f: PipelineFilter): BoundQuery {
  const where = ['project_id = {projectId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, limit: f.limit };
  startedWithin(where, params, f);
  return {
    query: `SELECT pipeline, count() AS runs, toString(max(started_at)) AS last_run_text,
                   sum(input_count) AS input, sum(${RUN_ELIMINATED_SQL}) AS eliminated
            FROM runs FINAL WHERE ${where.join(' AND ')}
            GROUP BY pipeline ORDER BY pipeline LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

/** Runs, newest first, one page (asks for one extra row to know whether another page exists). */
export function listRunsQuery(f: RunListFilter): BoundQuery {
  const where = ['project_id = {projectId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, limit: f.limit + 1 };
  if (f.pipeline !== undefined) {
    where.push('pipeline = {pipeline:String}');
    params.pipeline = f.pipeline;
  }
  if (f.minEliminationRatio !== undefined) {
    where.push('elimination_ratio >= {minRatio:Float64}');
    params.minRatio = f.minEliminationRatio;
  }
  if (f.maxEliminationRatio !== undefined) {
    where.push('elimination_ratio <= {maxRatio:Float64}');
    params.maxRatio = f.maxEliminationRatio;
  }
  if (f.status !== undefined) {
    where.push(f.status === 'error' ? '(status = {status:String} OR failed_steps > 0)' : 'status = {status:String}');
    params.status = f.status;
  }
  if (f.failedSteps !== undefined) where.push(f.failedSteps ? 'failed_steps > 0' : 'failed_steps = 0');
  startedWithin(where, params, f);
  const byRatio = f.sort === 'ratio';
  if (f.after) {
    const position = `toDateTime64({afterTime:String}, 9, 'UTC'), {afterRun:String}`;
    where.push(
      byRatio
        ? `(elimination_ratio, started_at, run_id) < ({afterRatio:Float64}, ${position})`
        : `(started_at, run_id) < (${position})`
    );
    params.afterTime = f.after.startedAt;
    params.afterRun = f.after.runId;
    if (byRatio) params.afterRatio = f.after.ratio ?? 0;
  }
  return {
    query: `SELECT ${RUN_COLUMNS} FROM runs FINAL WHERE ${where.join(' AND ')}
            ORDER BY ${byRatio ? 'elimination_ratio DESC, ' : ''}started_at DESC, run_id DESC LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

/** One run by id. */
export function getRunQuery(projectId: string, runId: string): BoundQuery {
  return {
    query: `SELECT ${RUN_COLUMNS}, payload_key, payload_offset, payload_length FROM runs FINAL
            WHERE project_id = {projectId:String} AND run_id = {runId:String} LIMIT 1`,
    query_params: { projectId, runId },
  };
}

/** Runs by id, for their pipeline and start time. */
export function runsByIdQuery(projectId: string, runIds: readonly string[]): BoundQuery {
  return {
    query: `SELECT run_id, pipeline, toString(started_at) AS started_text FROM runs FINAL
            WHERE project_id = {projectId:String} AND run_id IN {runIds:Array(String)}`,
    query_params: { projectId, runIds },
  };
}

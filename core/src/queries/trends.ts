/**
 * Trends for dashboards: elimination counts and ratio per pipeline, or per step of one pipeline,
 * in time buckets (answered as `TrendResponse`, see api/trends.ts).
 */
import type { BoundQuery } from './bound.js';
import { RUN_ELIMINATED_SQL } from './runs.js';
import { STEP_ELIMINATED_SQL } from './steps.js';

export interface TrendFilter {
  projectId: string;
  /** Required for per-step series. */
  pipeline?: string;
  /** Per-step series of `pipeline` (all its steps, or the one named `step`). */
  bySteps: boolean;
  step?: string;
  intervalSeconds: number;
  fromMillis: number;
  toMillis: number;
  /** false: read without FINAL (faster; re-delivered rows count twice until merged). Default true. */
  exact?: boolean;
}

/** Buckets of runs (per pipeline) or of steps (per step name of one pipeline), oldest first. */
export function trendQuery(f: TrendFilter): BoundQuery {
  const params: Record<string, unknown> = {
    projectId: f.projectId,
    seconds: f.intervalSeconds,
    fromMs: f.fromMillis,
    toMs: f.toMillis,
  };
  const inRange =
    'started_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND started_at < fromUnixTimestamp64Milli({toMs:Int64})';
  const bucket = 'toStartOfInterval(started_at, toIntervalSecond({seconds:UInt32}))';
  const final = f.exact === false ? '' : 'FINAL';
  if (!f.bySteps) {
    const where = ['project_id = {projectId:String}', inRange];
    if (f.pipeline !== undefined) {
      where.push('pipeline = {pipeline:String}');
      params.pipeline = f.pipeline;
    }
    return {
      query: `SELECT pipeline AS series_pipeline, '' AS series_step, toString(${bucket}) AS bucket_text, toUnixTimestamp(${bucket}) AS bucket_s,
                     count() AS runs, sum(input_count) AS input, sum(${RUN_ELIMINATED_SQL}) AS eliminated
              FROM runs ${final} WHERE ${where.join(' AND ')}
              GROUP BY series_pipeline, bucket_text, bucket_s ORDER BY series_pipeline, bucket_s`,
      query_params: params,
    };
  }
  params.pipeline = f.pipeline ?? '';
  const where = [
    'project_id = {projectId:String}',
    inRange,
    `run_id IN (SELECT run_id FROM runs ${final} WHERE project_id = {projectId:String} AND pipeline = {pipeline:String} AND ${inRange})`,
  ];
  if (f.step !== undefined) {
    where.push('name = {step:String}');
    params.step = f.step;
  }
  return {
    query: `SELECT {pipeline:String} AS series_pipeline, name AS series_step, toString(${bucket}) AS bucket_text, toUnixTimestamp(${bucket}) AS bucket_s,
                   count() AS runs, sum(input_count) AS input, sum(${STEP_ELIMINATED_SQL}) AS eliminated
            FROM steps ${final} WHERE ${where.join(' AND ')}
            GROUP BY series_step, bucket_text, bucket_s ORDER BY series_step, bucket_s`,
    query_params: params,
  };
}

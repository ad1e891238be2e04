/**
 * Trends for dashboards: elimination counts and ratio per pipeline, or per step of one pipeline,
 * in time buckets. Answers are series of points, the shape time-series panels take.
 */
import { type BoundQuery, RUN_ELIMINATED_SQL } from './queries.js';
import { clickhouseTimeToIso } from './time.js';

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

/** One bucket of a series. */
export interface TrendPoint {
  time: string;
  timeMs: number;
  runs: number;
  input: number;
  eliminated: number;
  eliminationRatio: number;
}

export interface TrendSeries {
  pipeline: string;
  /** null for a pipeline's whole runs. */
  step: string | null;
  points: TrendPoint[];
}

/** `GET /v1/trends` */
export interface TrendResponse {
  intervalSeconds: number;
  from: string;
  to: string;
  series: TrendSeries[];
}

/** Buckets of runs (per pipeline) or of steps (per step name of one pipeline), oldest first. */
export function trendQuery(f: TrendFilter): BoundQuery {
  const params: Record<string, unknown> = { projectId: f.projectId, seconds: f.intervalSeconds, fromMs: f.fromMillis, toMs: f.toMillis };
  const inRange = 'started_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND started_at < fromUnixTimestamp64Milli({toMs:Int64})';
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
                   count() AS runs, sum(input_count) AS input, sum(eliminated_count) AS eliminated
            FROM steps ${final} WHERE ${where.join(' AND ')}
            GROUP BY series_step, bucket_text, bucket_s ORDER BY series_step, bucket_s`,
    query_params: params,
  };
}

/** Rows of {@link trendQuery} as series (rows come ordered by series, then time). */
export function toTrendSeries(rows: readonly Record<string, unknown>[], bySteps: boolean): TrendSeries[] {
  const series = new Map<string, TrendSeries>();
  for (const r of rows) {
    const pipeline = String(r.series_pipeline);
    const step = bySteps ? String(r.series_step) : null;
    const key = `${pipeline}\u0000${step ?? ''}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { pipeline, step, points: [] }));
    const input = Number(r.input);
    const eliminated = Number(r.eliminated);
    s.points.push({
      time: clickhouseTimeToIso(String(r.bucket_text)),
      timeMs: Number(r.bucket_s) * 1000,
      runs: Number(r.runs),
      input,
      eliminated,
      eliminationRatio: input > 0 ? eliminated / input : 0,
    });
  }
  return [...series.values()];
}

/** `30s`, `5m`, `1h`, `1d` (or a number of seconds) in seconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,6})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds >= 1 && seconds <= 366 * 86_400 ? seconds : undefined;
}

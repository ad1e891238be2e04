/** `GET /v1/trends`: series of points per pipeline or per step, the shape time-series panels take. */
import { z } from 'zod';
import { clickhouseTimeToIso } from '../model/time.js';
import { IsoTime } from './convert.js';

/** One bucket of a series. */
export const TrendPoint = z
  .object({
    time: IsoTime.describe("The bucket's start."),
    timeMs: z.number().describe("The bucket's start in milliseconds since the epoch."),
    runs: z.number(),
    input: z.number(),
    eliminated: z.number(),
    eliminationRatio: z.number(),
  })
  .meta({ id: 'TrendPoint' });
export type TrendPoint = z.infer<typeof TrendPoint>;

export const TrendSeries = z
  .object({
    pipeline: z.string(),
    step: z.string().nullable().describe("null for a pipeline's whole runs."),
    points: z.array(TrendPoint),
  })
  .meta({ id: 'TrendSeries' });
export type TrendSeries = z.infer<typeof TrendSeries>;

/** `GET /v1/trends` */
export const TrendResponse = z
  .object({ intervalSeconds: z.number(), from: IsoTime, to: IsoTime, series: z.array(TrendSeries) })
  .meta({ id: 'TrendResponse' });
export type TrendResponse = z.infer<typeof TrendResponse>;

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

/**
 * What `interval` takes: a number without leading zeros and a unit, s (the default), m, h or d, at
 * most 6, 5, 4 and 3 digits (up to 999 days). {@link parseInterval} reads exactly these.
 */
export const INTERVAL_PATTERN = '^(?:[1-9][0-9]{0,5}s?|[1-9][0-9]{0,4}m|[1-9][0-9]{0,3}h|[1-9][0-9]{0,2}d)$';
const INTERVAL_RE = new RegExp(INTERVAL_PATTERN);
const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `30s`, `5m`, `1h`, `1d` (or a number of seconds) in seconds; undefined unless it matches {@link INTERVAL_PATTERN}. */
export function parseInterval(text: string): number | undefined {
  if (!INTERVAL_RE.test(text)) return undefined;
  const unit = /[smhd]$/.exec(text)?.[0] ?? '';
  return parseInt(text, 10) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
}

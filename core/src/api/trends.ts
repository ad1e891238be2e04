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

/** `30s`, `5m`, `1h`, `1d` (or a number of seconds) in seconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,6})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds >= 1 && seconds <= 366 * 86_400 ? seconds : undefined;
}

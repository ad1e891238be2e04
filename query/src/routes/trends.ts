/** Trends for dashboards: elimination per pipeline, or per step of one pipeline, over time. */
import { createRoute } from '@hono/zod-openapi';
import { INTERVAL_PATTERN, parseInterval, toTrendSeries, TrendResponse } from '@xray/core/api';
import { trendQuery } from '@xray/core/queries';
import { z } from 'zod';
import { errors, json, routeApp } from '../contract.js';
import type { QueryStores } from '../http.js';
import { choice, consistency, text, time, withDefault } from '../params.js';

/** Most buckets one trend series may have. */
const MAX_TREND_POINTS = 10_000;
/** The range when `from` is not given: this long before `to`. */
const DEFAULT_RANGE_MILLIS = 24 * 3600_000;

const interval = withDefault(
  'bucket size: a number and a unit, s (the default), m, h or d, such as 30s, 5m, 1h, 1d (no leading zeros; at most 6, 5, 4 and 3 digits)',
  { type: 'string', pattern: INTERVAL_PATTERN, examples: ['30s', '5m', '1h', '1d'] },
  '1h',
  (raw) => (parseInterval(raw) === undefined ? undefined : raw),
  (raw) => `interval must be a number and a unit s, m, h or d, such as 30s, 5m, 1h or 1d, got ${JSON.stringify(raw)}`
);

/** The parameters, and what they mean together: series, bucket size in seconds, and the range (default the last 24 hours). */
const trendParams = z
  .object({
    pipeline: text('pipeline', 'only this pipeline (required with by=step)'),
    step: text('step', 'only this step name (implies by=step)'),
    by: choice('by', ['pipeline', 'step'], 'pipeline (default) or step (one series per step of the pipeline)'),
    interval,
    to: time('to', 'default: now'),
    from: time('from', 'default: 24 hours before to'),
    consistency,
  })
  .transform((q, ctx) => {
    const by = q.by ?? (q.step !== undefined ? 'step' : 'pipeline');
    const intervalSeconds = parseInterval(q.interval)!;
    const toMillis = q.to ?? Date.now();
    const fromMillis = q.from ?? toMillis - DEFAULT_RANGE_MILLIS;
    const refuse = (message: string) => {
      ctx.addIssue({ code: 'custom', message, input: q });
      return z.NEVER;
    };
    if (by === 'step' && q.pipeline === undefined)
      return refuse('per-step trends need a pipeline: add pipeline=<name>');
    if (fromMillis >= toMillis) return refuse('from must be before to');
    if ((toMillis - fromMillis) / 1000 / intervalSeconds > MAX_TREND_POINTS)
      return refuse(
        `from..to at interval ${q.interval} makes more than ${MAX_TREND_POINTS} points per series; use a longer interval or a shorter range`
      );
    return { ...q, bySteps: by === 'step', intervalSeconds, fromMillis, toMillis };
  });

const trends = createRoute({
  method: 'get',
  path: '/trends',
  operationId: 'getTrends',
  summary: 'Elimination over time per pipeline, or per step of one pipeline',
  request: { query: trendParams },
  responses: { 200: json(TrendResponse, 'One series per pipeline, or per step'), ...errors() },
});

export function trendRoutes({ rows }: QueryStores) {
  const app = routeApp();

  app.openapi(trends, async (c) => {
    const q = c.req.valid('query');
    const found = await rows.rows(
      trendQuery({
        projectId: c.var.projectId,
        pipeline: q.pipeline,
        bySteps: q.bySteps,
        step: q.step,
        intervalSeconds: q.intervalSeconds,
        fromMillis: q.fromMillis,
        toMillis: q.toMillis,
        exact: q.consistency === 'exact',
      })
    );
    const body: TrendResponse = {
      intervalSeconds: q.intervalSeconds,
      from: new Date(q.fromMillis).toISOString(),
      to: new Date(q.toMillis).toISOString(),
      series: toTrendSeries(found, q.bySteps),
    };
    return c.json(body, 200);
  });

  return app;
}

/** Trends for dashboards: elimination per pipeline, or per step of one pipeline, over time. */
import { parseInterval, toTrendSeries, type TrendResponse } from '@xray/core/api';
import { trendQuery } from '@xray/core/queries';
import { Hono } from 'hono';
import { type Env, exactParam, type QueryStores } from '../http.js';
import { BadRequest, choiceParam, textParam, timeParam } from '../params.js';

/** Most buckets one trend series may have. */
const MAX_TREND_POINTS = 10_000;

export function trendRoutes({ rows }: QueryStores): Hono<Env> {
  const app = new Hono<Env>();

  // Trends for dashboards: elimination per pipeline, or per step of one pipeline, in time buckets.
  app.get('/trends', async (c) => {
    const projectId = c.var.projectId;
    const pipeline = textParam('pipeline', c.req.query('pipeline'));
    const step = textParam('step', c.req.query('step'));
    const by =
      choiceParam('by', c.req.query('by'), ['pipeline', 'step'] as const) ?? (step !== undefined ? 'step' : 'pipeline');
    if (by === 'step' && pipeline === undefined)
      throw new BadRequest('per-step trends need a pipeline: add pipeline=<name>');
    const rawInterval = c.req.query('interval') ?? '1h';
    const intervalSeconds = parseInterval(rawInterval);
    if (intervalSeconds === undefined)
      throw new BadRequest(`interval must look like 30s, 5m, 1h or 1d, got ${JSON.stringify(rawInterval)}`);
    const toMillis = timeParam('to', c.req.query('to')) ?? Date.now();
    const fromMillis = timeParam('from', c.req.query('from')) ?? toMillis - 24 * 3600_000;
    if (fromMillis >= toMillis) throw new BadRequest('from must be before to');
    if ((toMillis - fromMillis) / 1000 / intervalSeconds > MAX_TREND_POINTS) {
      throw new BadRequest(
        `from..to at interval ${rawInterval} makes more than ${MAX_TREND_POINTS} points per series; use a longer interval or a shorter range`
      );
    }
    const exact = exactParam(c.req.query('consistency'));
    const found = await rows.rows(
      trendQuery({ projectId, pipeline, bySteps: by === 'step', step, intervalSeconds, fromMillis, toMillis, exact })
    );
    const body: TrendResponse = {
      intervalSeconds,
      from: new Date(fromMillis).toISOString(),
      to: new Date(toMillis).toISOString(),
      series: toTrendSeries(found, by === 'step'),
    };
    return c.json(body);
  });

  return app;
}

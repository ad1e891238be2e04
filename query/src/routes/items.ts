/** Items across runs: where item X died in each run it went through. */
import { type ItemRunsResponse, toItemRun } from '@xray/core/api';
import { itemAcrossRunsQuery, runsByIdQuery, stepNamesQuery } from '@xray/core/queries';
import { Hono } from 'hono';
import { type Env, exactParam, isRunCursor, paginate, type QueryStores, stepIndex } from '../http.js';
import { decodeCursor, limitParam, textParam, timeParam } from '../params.js';

export function itemRoutes({ rows }: QueryStores): Hono<Env> {
  const app = new Hono<Env>();

  // Where did item X die: across runs, the first step that eliminated it in each.
  app.get('/items/:itemId/runs', async (c) => {
    const projectId = c.var.projectId;
    const itemId = textParam('itemId', c.req.param('itemId'))!;
    const limit = limitParam(c.req.query('limit'));
    const after = decodeCursor(c.req.query('cursor'), isRunCursor);
    const found = await rows.rows(
      itemAcrossRunsQuery({
        projectId,
        itemId,
        limit,
        pipeline: textParam('pipeline', c.req.query('pipeline')),
        fromMillis: timeParam('from', c.req.query('from')),
        toMillis: timeParam('to', c.req.query('to')),
        exact: exactParam(c.req.query('consistency')),
        ...(after ? { after: { firstSeen: after.t, runId: after.r } } : {}),
      })
    );
    const page = paginate(found, limit, (last) => ({ t: String(last.first_seen_text), r: String(last.run_id) }));
    const runIds = page.items.map((r) => String(r.run_id));
    const stepIds = page.items.map((r) => String((r.eliminated as unknown[] | undefined)?.[0] ?? '')).filter(Boolean);
    const [runs, steps] = runIds.length
      ? await Promise.all([
          rows.rows(runsByIdQuery(projectId, runIds)),
          rows.rows(stepNamesQuery(projectId, runIds, stepIds)),
        ])
      : [[], []];
    const runById = new Map(runs.map((r) => [String(r.run_id), r]));
    const names = stepIndex(steps);
    const body: ItemRunsResponse = {
      itemId,
      runs: page.items.map((r) => toItemRun(r, runById.get(String(r.run_id)), names)),
      nextCursor: page.nextCursor,
    };
    return c.json(body);
  });

  return app;
}

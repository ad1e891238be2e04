/** Items: where an item died in one run, in every run it went through, and whose fate changed between two runs. */
import { createRoute } from '@hono/zod-openapi';
import {
  ItemInRunResponse,
  ItemRunsResponse,
  RunDiffResponse,
  stepDeltas,
  toItemChange,
  toItemInRun,
  toItemRun,
  toStepSummary,
} from '@xray/core/api';
import {
  getRunQuery,
  itemAcrossRunsQuery,
  itemInRunQuery,
  listStepsQuery,
  runDiffItemsQuery,
  runsByIdQuery,
  stepNamesQuery,
} from '@xray/core/queries';
import { z } from 'zod';
import { errors, json, link, linked, routeApp } from '../contract.js';
import { itemCursor, paginate, runCursor } from '../cursors.js';
import { notFound, type QueryStores, runGone, runNotFound, stepIndex } from '../http.js';
import { BadRequest, consistency, hexId, limit, text, textPath, time } from '../params.js';
import { runId } from './runs.js';

const itemId = textPath('itemId', 'the item id the SDK recorded', 512, 'sku-1042');

const itemInRun = createRoute({
  method: 'get',
  path: '/runs/{runId}/items/{itemId}',
  operationId: 'getItemInRun',
  summary: 'Where an item went in the run, step by step',
  request: { params: z.object({ runId, itemId }) },
  responses: {
    200: linked(json(ItemInRunResponse, "The item's decisions in step order"), {
      Decision: link('getDecision', { eventId: '$response.body#/decisions/0/eventId' }, "The item's first decision"),
      ItemRuns: link('listItemRuns', { itemId: '$response.body#/itemId' }, 'Every run the item went through'),
    }),
    ...errors(404, 410),
  },
});

const itemRuns = createRoute({
  method: 'get',
  path: '/items/{itemId}/runs',
  operationId: 'listItemRuns',
  summary: 'The runs an item went through, with the step that eliminated it in each',
  request: {
    params: z.object({ itemId }),
    query: z.object({
      limit: limit(),
      cursor: runCursor,
      pipeline: text('pipeline', 'only this pipeline'),
      from: time('from', 'decisions at or after'),
      to: time('to', 'decisions before'),
      consistency,
    }),
  },
  responses: {
    200: linked(json(ItemRunsResponse, 'One page of runs, newest first'), {
      ItemInRun: link(
        'getItemInRun',
        { runId: '$response.body#/runs/0/runId', itemId: '$response.body#/itemId' },
        'Where the item went in its newest run'
      ),
      Run: link('getRun', { runId: '$response.body#/runs/0/runId' }, "The item's newest run"),
    }),
    ...errors(),
  },
});

const diff = createRoute({
  method: 'get',
  path: '/runs/{runId}/diff/{otherRunId}',
  operationId: 'diffRuns',
  summary: 'What changed between two runs of one pipeline',
  request: {
    params: z.object({
      runId,
      otherRunId: hexId('otherRunId', 32, 'the run to compare with', '0af7651916cd43dd8448eb211c80319c'),
    }),
    query: z.object({
      limit: limit({ fallback: 100, description: 'items per page (1-1000, default 100)' }),
      cursor: itemCursor,
      consistency,
    }),
  },
  responses: {
    200: linked(json(RunDiffResponse, 'Step deltas and the items whose fate changed'), {
      ItemInA: link(
        'getItemInRun',
        { runId: '$response.body#/runA', itemId: '$response.body#/items/0/itemId' },
        'Where the first changed item went in the first run'
      ),
      ItemInB: link(
        'getItemInRun',
        { runId: '$response.body#/runB', itemId: '$response.body#/items/0/itemId' },
        'Where the first changed item went in the second run'
      ),
    }),
    ...errors(404),
  },
});

export function itemRoutes({ rows }: QueryStores) {
  const app = routeApp();

  app.openapi(itemInRun, async (c) => {
    const projectId = c.var.projectId;
    const { runId, itemId } = c.req.valid('param');
    const [deleted, found, steps] = await Promise.all([
      runGone(c, rows, runId),
      rows.rows(itemInRunQuery(projectId, runId, itemId)),
      rows.rows(listStepsQuery(projectId, runId)),
    ]);
    if (deleted) return deleted;
    if (steps.length === 0) {
      const [run] = await rows.rows(getRunQuery(projectId, runId));
      if (!run) return runNotFound(c, runId);
    }
    if (found.length === 0)
      return notFound(
        c,
        `No recorded decision about item ${JSON.stringify(itemId)} in run ${runId}. With sampled capture only some items are recorded; record a run in full to follow every item.`
      );
    return c.json(toItemInRun(runId, itemId, found, stepIndex(steps)), 200);
  });

  app.openapi(itemRuns, async (c) => {
    const projectId = c.var.projectId;
    const { itemId } = c.req.valid('param');
    const q = c.req.valid('query');
    const found = await rows.rows(
      itemAcrossRunsQuery({
        projectId,
        itemId,
        limit: q.limit,
        pipeline: q.pipeline,
        fromMillis: q.from,
        toMillis: q.to,
        exact: q.consistency === 'exact',
        ...(q.cursor ? { after: { firstSeen: q.cursor.t, runId: q.cursor.r } } : {}),
      })
    );
    const page = paginate(found, q.limit, (last) => ({ t: String(last.first_seen_text), r: String(last.run_id) }));
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
    const runsOfItem = page.items.map((r) => toItemRun(r, runById.get(String(r.run_id)), names));
    return c.json({ itemId, runs: runsOfItem, nextCursor: page.nextCursor }, 200);
  });

  // What changed between two runs of one pipeline: per-step deltas and the items whose fate changed.
  app.openapi(diff, async (c) => {
    const projectId = c.var.projectId;
    const { runId: runA, otherRunId: runB } = c.req.valid('param');
    const q = c.req.valid('query');
    const [[a], [b], stepsA, stepsB] = await Promise.all([
      rows.rows(getRunQuery(projectId, runA)),
      rows.rows(getRunQuery(projectId, runB)),
      rows.rows(listStepsQuery(projectId, runA)),
      rows.rows(listStepsQuery(projectId, runB)),
    ]);
    if (!a) return runNotFound(c, runA);
    if (!b) return runNotFound(c, runB);
    if (a.pipeline !== b.pipeline)
      throw new BadRequest(
        `runs ${runA} (${String(a.pipeline)}) and ${runB} (${String(b.pipeline)}) belong to different pipelines; compare two runs of one pipeline`
      );
    const all = [...stepsA, ...stepsB];
    const found = all.length
      ? await rows.rows(
          runDiffItemsQuery({
            projectId,
            runA,
            runB,
            stepIds: all.map((st) => String(st.step_id)),
            stepNames: all.map((st) => String(st.name)),
            afterItem: q.cursor,
            limit: q.limit,
            exact: q.consistency === 'exact',
          })
        )
      : [];
    const page = paginate(found, q.limit, (last) => String(last.item_id));
    const body: RunDiffResponse = {
      runA,
      runB,
      pipeline: String(a.pipeline),
      steps: stepDeltas(stepsA.map(toStepSummary), stepsB.map(toStepSummary)),
      items: page.items.map(toItemChange),
      nextCursor: page.nextCursor,
    };
    return c.json(body, 200);
  });

  return app;
}

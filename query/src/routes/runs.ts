/** Pipelines, and runs: the list, one run, its funnel, its raw record, an item's way through it, and the diff of two runs. */
import {
  type ItemInRunResponse,
  type PipelineListResponse,
  type RunDiffResponse,
  type RunListResponse,
  stepDeltas,
  type StepListResponse,
  toItemChange,
  toItemInRun,
  toPipelineSummary,
  toRunSummary,
  toStepList,
  toStepSummary,
} from '@xray/core/api';
import { RUN_ID_RE } from '@xray/core/model';
import {
  getRunQuery,
  itemInRunQuery,
  listRunsQuery,
  listStepsQuery,
  pipelinesQuery,
  runDiffItemsQuery,
} from '@xray/core/queries';
import { Hono } from 'hono';
import {
  type Env,
  exactParam,
  idParam,
  isRunCursor,
  notFound,
  paginate,
  payloadOf,
  type QueryStores,
  runIdParam,
  runNotFound,
  stepIndex,
} from '../http.js';
import { BadRequest, decodeCursor, choiceParam, limitParam, ratioParam, textParam, timeParam } from '../params.js';

export function runRoutes({ rows, payloads }: QueryStores): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/pipelines', async (c) => {
    const found = await rows.rows(
      pipelinesQuery({
        projectId: c.var.projectId,
        limit: limitParam(c.req.query('limit'), 1000, 10_000),
        fromMillis: timeParam('from', c.req.query('from')),
        toMillis: timeParam('to', c.req.query('to')),
      })
    );
    const body: PipelineListResponse = { pipelines: found.map(toPipelineSummary) };
    return c.json(body);
  });

  app.get('/runs', async (c) => {
    const projectId = c.var.projectId;
    const limit = limitParam(c.req.query('limit'));
    const sort = choiceParam('sort', c.req.query('sort'), ['time', 'ratio'] as const);
    const after = decodeCursor(c.req.query('cursor'), isRunCursor);
    if (after && (after.x !== undefined) !== (sort === 'ratio'))
      throw new BadRequest('cursor belongs to another sort order; start again without it');
    const found = await rows.rows(
      listRunsQuery({
        projectId,
        limit,
        sort,
        pipeline: textParam('pipeline', c.req.query('pipeline')),
        minEliminationRatio: ratioParam('minEliminationRatio', c.req.query('minEliminationRatio')),
        maxEliminationRatio: ratioParam('maxEliminationRatio', c.req.query('maxEliminationRatio')),
        status: choiceParam('status', c.req.query('status'), ['ok', 'error'] as const),
        fromMillis: timeParam('from', c.req.query('from')),
        toMillis: timeParam('to', c.req.query('to')),
        ...(after ? { after: { startedAt: after.t, runId: after.r, ratio: after.x } } : {}),
      })
    );
    const page = paginate(found, limit, (last) => ({
      t: String(last.started_text),
      r: String(last.run_id),
      ...(sort === 'ratio' ? { x: Number(last.elimination_ratio) } : {}),
    }));
    const body: RunListResponse = { runs: page.items.map(toRunSummary), nextCursor: page.nextCursor };
    return c.json(body);
  });

  app.get('/runs/:runId', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const [row] = await rows.rows(getRunQuery(projectId, runId));
    if (!row) return runNotFound(c, runId);
    return c.json(toRunSummary(row));
  });

  app.get('/runs/:runId/steps', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const found = await rows.rows(listStepsQuery(projectId, runId));
    if (found.length === 0) {
      const [run] = await rows.rows(getRunQuery(projectId, runId));
      if (!run) return runNotFound(c, runId);
    }
    const body: StepListResponse = toStepList(runId, found);
    return c.json(body);
  });

  // The raw records of a run and of a step (input, output, and for a step its metadata) from S3.
  app.get('/runs/:runId/payload', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const [row] = await rows.rows(getRunQuery(projectId, runId));
    if (!row) return runNotFound(c, runId);
    const payload = await payloadOf(payloads, projectId, row);
    if (!payload) return notFound(c, `The payload of run ${runId} is missing from storage.`);
    return c.json(payload);
  });

  // Where did item X die: in one run, step by step.
  app.get('/runs/:runId/items/:itemId', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const itemId = textParam('itemId', c.req.param('itemId'))!;
    const [found, steps] = await Promise.all([
      rows.rows(itemInRunQuery(projectId, runId, itemId)),
      rows.rows(listStepsQuery(projectId, runId)),
    ]);
    if (steps.length === 0) {
      const [run] = await rows.rows(getRunQuery(projectId, runId));
      if (!run) return runNotFound(c, runId);
    }
    if (found.length === 0)
      return notFound(
        c,
        `No recorded decision about item ${JSON.stringify(itemId)} in run ${runId}. With sampled capture only some items are recorded; record a run in full to follow every item.`
      );
    const body: ItemInRunResponse = toItemInRun(runId, itemId, found, stepIndex(steps));
    return c.json(body);
  });

  // What changed between two runs of one pipeline: per-step deltas and the items whose fate changed.
  app.get('/runs/:runId/diff/:otherRunId', async (c) => {
    const projectId = c.var.projectId;
    const runA = runIdParam(c);
    const runB = idParam(c.req.param('otherRunId'), RUN_ID_RE, 'otherRunId', '32 hex characters');
    const limit = limitParam(c.req.query('limit'), 100, 1000);
    const afterItem = decodeCursor(c.req.query('cursor'), (v): v is string => typeof v === 'string' && v.length <= 512);
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
            afterItem,
            limit,
            exact: exactParam(c.req.query('consistency')),
          })
        )
      : [];
    const page = paginate(found, limit, (last) => String(last.item_id));
    const body: RunDiffResponse = {
      runA,
      runB,
      pipeline: String(a.pipeline),
      steps: stepDeltas(stepsA.map(toStepSummary), stepsB.map(toStepSummary)),
      items: page.items.map(toItemChange),
      nextCursor: page.nextCursor,
    };
    return c.json(body);
  });

  return app;
}

/** Pipelines, and runs: the list, one run, its funnel and its raw record. */
import { createRoute } from '@hono/zod-openapi';
import {
  Payload,
  PipelineListResponse,
  RunListResponse,
  RunSummary,
  StepListResponse,
  toPipelineSummary,
  toRunSummary,
  toStepList,
} from '@xray/core/api';
import { getRunQuery, listRunsQuery, listStepsQuery, pipelinesQuery } from '@xray/core/queries';
import { z } from 'zod';
import { errors, json, link, linked, routeApp } from '../contract.js';
import { paginate, runCursor } from '../cursors.js';
import { payloadScope, type QueryStores, recordMissing, recordOf, runGone, runNotFound } from '../http.js';
import { choice, flag, hexId, limit, ratio, text, time } from '../params.js';
import { resolvePayloads, SPAN_PAYLOAD_FIELDS } from '../payloads.js';

export const runId = hexId('runId', 32, 'run id', '4bf92f3577b34da6a3ce929d0e0e4736');

/** Links from an answer holding a run id at `at` to the routes of that run (but GET /v1/runs/{runId}). */
export function runLinks(at: string, which: string) {
  return {
    Steps: link('getRunSteps', { runId: at }, `The step funnel of ${which}`),
    Payload: link('getRunPayload', { runId: at }, `The record of ${which}`),
  };
}

/** Links from an answer holding a step id at `at` to the routes of that step. */
export function stepLinks(at: string, which: string) {
  return {
    Decisions: link('listDecisions', { stepId: at }, `The decisions of ${which}`),
    Reasons: link('getReasons', { stepId: at }, `The reason histogram of ${which}`),
    StepPayload: link('getStepPayload', { stepId: at }, `The record of ${which}`),
  };
}
export const runParams = z.object({ runId });

const pipelines = createRoute({
  method: 'get',
  path: '/pipelines',
  operationId: 'listPipelines',
  summary: 'The pipelines that ran in a time range, with run counts and elimination ratio',
  request: {
    query: z.object({
      limit: limit({ fallback: 1000, max: 10_000, description: 'at most this many pipelines (1-10000, default 1000)' }),
      from: time('from', 'runs started at or after'),
      to: time('to', 'runs started before'),
    }),
  },
  responses: {
    200: linked(json(PipelineListResponse, 'The pipelines, by name'), {
      RunsOfPipeline: link(
        'listRuns',
        { pipeline: '$response.body#/pipelines/0/name' },
        'The runs of the first pipeline'
      ),
      TrendsOfPipeline: link(
        'getTrends',
        { pipeline: '$response.body#/pipelines/0/name', by: 'step' },
        'Per-step trends of the first pipeline'
      ),
    }),
    ...errors(),
  },
});

const runs = createRoute({
  method: 'get',
  path: '/runs',
  operationId: 'listRuns',
  summary: 'Runs that look wrong: newest first, or highest elimination ratio first',
  request: {
    query: z
      .object({
        limit: limit(),
        sort: choice('sort', ['time', 'ratio'], 'time (default: newest first) or ratio (highest first)'),
        cursor: runCursor,
        pipeline: text('pipeline', 'only this pipeline'),
        minEliminationRatio: ratio('minEliminationRatio', 'lowest elimination ratio'),
        maxEliminationRatio: ratio('maxEliminationRatio', 'highest elimination ratio'),
        status: choice(
          'status',
          ['ok', 'error'],
          'ok: only runs that ended ok; error: only runs that ended with an error or had a step fail (failedSteps > 0, also when the run itself ended ok)'
        ),
        failedSteps: flag('failedSteps', 'true: only runs with failed steps; false: only runs without'),
        from: time('from', 'runs started at or after'),
        to: time('to', 'runs started before'),
      })
      .refine((q) => !q.cursor || (q.cursor.x !== undefined) === (q.sort === 'ratio'), {
        message: 'cursor belongs to another sort order; start again without it',
      }),
  },
  responses: {
    200: linked(json(RunListResponse, 'One page of runs'), {
      Run: link('getRun', { runId: '$response.body#/runs/0/runId' }, 'The metrics of the first run'),
      ...runLinks('$response.body#/runs/0/runId', 'the first run'),
      DiffFirstTwo: link(
        'diffRuns',
        { runId: '$response.body#/runs/0/runId', otherRunId: '$response.body#/runs/1/runId' },
        'What changed between the first two runs (400 when they are of different pipelines: filter by pipeline)'
      ),
    }),
    ...errors(),
  },
});

const run = createRoute({
  method: 'get',
  path: '/runs/{runId}',
  operationId: 'getRun',
  summary: "One run's metrics",
  request: { params: runParams },
  responses: {
    200: linked(json(RunSummary, 'The run'), runLinks('$response.body#/runId', 'this run')),
    ...errors(404, 410),
  },
});

const steps = createRoute({
  method: 'get',
  path: '/runs/{runId}/steps',
  operationId: 'getRunSteps',
  summary: "The run's step funnel, with the worst step",
  request: { params: runParams },
  responses: {
    200: linked(json(StepListResponse, 'The steps in execution order'), {
      ...stepLinks('$response.body#/steps/0/stepId', 'the first step'),
      WorstStepReasons: link(
        'getReasons',
        { stepId: '$response.body#/worstStepId' },
        'Why the worst step eliminated what it did (absent when worstStepId is null)'
      ),
    }),
    ...errors(404, 410),
  },
});

const payload = createRoute({
  method: 'get',
  path: '/runs/{runId}/payload',
  operationId: 'getRunPayload',
  summary: "The run's record from S3: input and output (inline or read by reference, see payloads), status, times",
  request: { params: runParams },
  responses: { 200: json(Payload, 'The record'), ...errors(404, 410) },
});

export function runRoutes(stores: QueryStores) {
  const { rows, payloads } = stores;
  const app = routeApp();

  app.openapi(pipelines, async (c) => {
    const q = c.req.valid('query');
    const found = await rows.rows(
      pipelinesQuery({ projectId: c.var.projectId, limit: q.limit, fromMillis: q.from, toMillis: q.to })
    );
    return c.json({ pipelines: found.map(toPipelineSummary) }, 200);
  });

  app.openapi(runs, async (c) => {
    const q = c.req.valid('query');
    const found = await rows.rows(
      listRunsQuery({
        projectId: c.var.projectId,
        limit: q.limit,
        sort: q.sort,
        pipeline: q.pipeline,
        minEliminationRatio: q.minEliminationRatio,
        maxEliminationRatio: q.maxEliminationRatio,
        status: q.status,
        failedSteps: q.failedSteps,
        fromMillis: q.from,
        toMillis: q.to,
        ...(q.cursor ? { after: { startedAt: q.cursor.t, runId: q.cursor.r, ratio: q.cursor.x } } : {}),
      })
    );
    const page = paginate(found, q.limit, (last) => ({
      t: String(last.started_text),
      r: String(last.run_id),
      ...(q.sort === 'ratio' ? { x: Number(last.elimination_ratio) } : {}),
    }));
    return c.json({ runs: page.items.map(toRunSummary), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(run, async (c) => {
    const { runId } = c.req.valid('param');
    const [row] = await rows.rows(getRunQuery(c.var.projectId, runId));
    // A deletion removes the run row first: only a run that is not there may have been deleted.
    if (!row) return (await runGone(c, rows, runId)) ?? runNotFound(c, runId);
    return c.json(toRunSummary(row), 200);
  });

  app.openapi(steps, async (c) => {
    const projectId = c.var.projectId;
    const { runId } = c.req.valid('param');
    // No steps once the run has a tombstone: then its row is the first thing a deletion removed.
    const found = await rows.rows(listStepsQuery(projectId, runId));
    if (found.length === 0) {
      const [run] = await rows.rows(getRunQuery(projectId, runId));
      if (!run) return (await runGone(c, rows, runId)) ?? runNotFound(c, runId);
    }
    return c.json(toStepList(runId, found), 200);
  });

  // The record of a run from S3, its input and output resolved.
  app.openapi(payload, async (c) => {
    const projectId = c.var.projectId;
    const { runId } = c.req.valid('param');
    const [row] = await rows.rows(getRunQuery(projectId, runId));
    if (!row) return (await runGone(c, rows, runId)) ?? runNotFound(c, runId);
    const scope = payloadScope(c, stores, runId);
    const record = await recordOf(payloads, projectId, row, { kind: 'run' });
    if (!record) return recordMissing(c, scope, row, `The payload of run ${runId} is missing from storage.`);
    return c.json(await resolvePayloads(payloads, scope, record, SPAN_PAYLOAD_FIELDS), 200);
  });

  return app;
}

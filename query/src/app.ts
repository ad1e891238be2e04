import {
  type DecisionDetail,
  type DecisionListResponse,
  type ErrorResponse,
  getDecisionQuery,
  getRunQuery,
  getStepQuery,
  listDecisionsQuery,
  listRunsQuery,
  listStepsQuery,
  parseEventId,
  PROMETHEUS_CONTENT_TYPE,
  processMetrics,
  readiness,
  renderMetrics,
  RUN_ID_RE,
  type RunListResponse,
  STEP_ID_RE,
  type StepListResponse,
  toDecisionSummary,
  toRunSummary,
  toReasonHistogram,
  toStepList,
  toStepSummary,
  reasonHistogramQuery,
  parseInterval,
  type TrendResponse,
  toTrendSeries,
  trendQuery,
  itemAcrossRunsQuery,
  itemInRunQuery,
  type ItemInRunResponse,
  type ItemRunsResponse,
  runDiffItemsQuery,
  type RunDiffResponse,
  runsByIdQuery,
  stepDeltas,
  type StepIndex,
  stepNamesQuery,
  toItemChange,
  toItemInRun,
  toItemRun,
  type ReasonHistogramResponse,
} from '@xray/core';
import type { Authenticator } from '@xray/auth';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  BadRequest,
  decodeCursor,
  encodeCursor,
  choiceParam,
  limitParam,
  numberParam,
  outcomeParam,
  ratioParam,
  textParam,
  timeParam,
} from './params.js';
import type { PayloadReader, RowReader } from './store.js';

export interface QueryAppDeps {
  rows: RowReader;
  payloads: PayloadReader;
  /** Checks the request's read key; every query is limited to the key's project. */
  authenticate: Authenticator;
  /** Reachability checks for /readyz, e.g. `{ clickhouse, s3 }`. */
  checks?: Record<string, () => Promise<boolean>>;
  log?: (line: string) => void;
}

type RunCursor = { t: string; r: string; x?: number };
const CURSOR_TIME_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/;
const isRunCursor = (v: unknown): v is RunCursor =>
  typeof v === 'object' &&
  v !== null &&
  CURSOR_TIME_RE.test(String((v as RunCursor).t)) &&
  RUN_ID_RE.test(String((v as RunCursor).r)) &&
  ((v as RunCursor).x === undefined || Number.isFinite((v as RunCursor).x));
const isSeqCursor = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** The query API: metrics from ClickHouse, full payloads from S3. */
/** Per-request values: the project of the request's read key. */
type Env = { Variables: { projectId: string } };

export function createApp(deps: QueryAppDeps): Hono<Env> {
  const { rows, payloads } = deps;
  const app = new Hono<Env>();

  const requests = new Map<string, { count: number; millis: number }>();
  app.use('/v1/*', async (c, next) => {
    const started = performance.now();
    await next();
    const key = `${c.req.routePath}\u0000${c.res.status}`;
    const entry = requests.get(key) ?? { count: 0, millis: 0 };
    entry.count++;
    entry.millis += performance.now() - started;
    requests.set(key, entry);
  });
  app.use('/v1/*', async (c, next) => {
    const auth = await deps.authenticate(c.req.header('authorization'));
    if (!auth.ok) {
      if (auth.status === 401) c.header('WWW-Authenticate', 'Bearer realm="xray"');
      if (auth.status === 503) c.header('Retry-After', '1');
      return errorJson(c, auth.status, AUTH_ERROR_CODES[auth.status], auth.message);
    }
    c.set('projectId', auth.key.projectId);
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const { ready, body } = await readiness(deps.checks ?? {});
    return c.json(body, ready ? 200 : 503);
  });
  app.get('/metrics', (c) => {
    const samples = [...requests].map(([key, v]) => {
      const [route = '', status = ''] = key.split('\u0000');
      return { labels: { route, status }, ...v };
    });
    const body = renderMetrics([
      ...processMetrics(),
      { name: 'xray_query_requests_total', help: 'Answered API requests, by route and HTTP status.', type: 'counter', samples: samples.map((x) => ({ labels: x.labels, value: x.count })) },
      { name: 'xray_query_request_seconds_total', help: 'Time spent answering, by route and status; divide by requests for the mean latency.', type: 'counter', samples: samples.map((x) => ({ labels: x.labels, value: x.millis / 1000 })) },
    ]);
    return c.body(body, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });

  app.get('/v1/runs', async (c) => {
    const projectId = c.var.projectId;
    const limit = limitParam(c.req.query('limit'));
    const sort = choiceParam('sort', c.req.query('sort'), ['time', 'ratio'] as const);
    const after = decodeCursor(c.req.query('cursor'), isRunCursor);
    if (after && (after.x !== undefined) !== (sort === 'ratio')) throw new BadRequest('cursor belongs to another sort order; start again without it');
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
      }),
    );
    const page = paginate(found, limit, (last) => ({
      t: String(last.started_text),
      r: String(last.run_id),
      ...(sort === 'ratio' ? { x: Number(last.elimination_ratio) } : {}),
    }));
    const body: RunListResponse = { runs: page.items.map(toRunSummary), nextCursor: page.nextCursor };
    return c.json(body);
  });

  app.get('/v1/runs/:runId', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const [row] = await rows.rows(getRunQuery(projectId, runId));
    if (!row) return runNotFound(c, runId);
    return c.json(toRunSummary(row));
  });

  app.get('/v1/runs/:runId/steps', async (c) => {
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

  app.get('/v1/steps/:stepId/decisions', async (c) => {
    const projectId = c.var.projectId;
    const stepId = idParam(c.req.param('stepId'), STEP_ID_RE, 'stepId', '16 hex characters');
    const limit = limitParam(c.req.query('limit'));
    const afterSeq = decodeCursor(c.req.query('cursor'), isSeqCursor);
    const found = await rows.rows(
      listDecisionsQuery({
        projectId,
        stepId,
        limit,
        outcome: outcomeParam(c.req.query('outcome')),
        itemId: textParam('itemId', c.req.query('itemId')),
        reasonCode: textParam('reasonCode', c.req.query('reasonCode')),
        minScore: numberParam('minScore', c.req.query('minScore')),
        maxScore: numberParam('maxScore', c.req.query('maxScore')),
        ...(afterSeq !== undefined ? { afterSeq } : {}),
      }),
    );
    if (found.length === 0 && afterSeq === undefined) {
      const [step] = await rows.rows(getStepQuery(projectId, stepId));
      if (!step) return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
    }
    const page = paginate(found, limit, (last) => Number(last.seq));
    const body: DecisionListResponse = { stepId, decisions: page.items.map(toDecisionSummary), nextCursor: page.nextCursor };
    return c.json(body);
  });

  app.get('/v1/steps/:stepId/reasons', async (c) => {
    const projectId = c.var.projectId;
    const stepId = idParam(c.req.param('stepId'), STEP_ID_RE, 'stepId', '16 hex characters');
    const query = reasonHistogramQuery({
      projectId,
      stepId,
      outcome: outcomeParam(c.req.query('outcome')),
      examples: limitParam(c.req.query('examples'), 3, 10, 'examples'),
      limit: limitParam(c.req.query('limit'), 50, 1000),
    });
    const [[step], found] = await Promise.all([rows.rows(getStepQuery(projectId, stepId)), rows.rows(query)]);
    if (!step) return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
    const body: ReasonHistogramResponse = toReasonHistogram(toStepSummary(step), found);
    return c.json(body);
  });

  app.get('/v1/decisions/:eventId', async (c) => {
    const projectId = c.var.projectId;
    const eventId = c.req.param('eventId').toLowerCase();
    const id = parseEventId(eventId);
    if (!id) throw new BadRequest(`eventId must look like <16 hex chars>-<sequence number>, got ${JSON.stringify(eventId)}`);
    const [row] = await rows.rows(getDecisionQuery(projectId, id.stepId, id.seq));
    if (!row) return notFound(c, `No decision ${eventId} in this project. Decision ids come from GET /v1/steps/{stepId}/decisions.`);
    const payload = await payloadOf(projectId, row);
    const body: DecisionDetail = {
      ...toDecisionSummary(row),
      ...(payload ? { input: payload.input, output: payload.output, metadata: payload.metadata } : {}),
    };
    return c.json(body);
  });

  // The raw records of a run and of a step (input, output, and for a step its metadata) from S3.
  app.get('/v1/runs/:runId/payload', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const [row] = await rows.rows(getRunQuery(projectId, runId));
    if (!row) return runNotFound(c, runId);
    const payload = await payloadOf(projectId, row);
    if (!payload) return notFound(c, `The payload of run ${runId} is missing from storage.`);
    return c.json(payload);
  });

  app.get('/v1/steps/:stepId/payload', async (c) => {
    const projectId = c.var.projectId;
    const stepId = idParam(c.req.param('stepId'), STEP_ID_RE, 'stepId', '16 hex characters');
    const [row] = await rows.rows(getStepQuery(projectId, stepId));
    if (!row) return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
    const payload = await payloadOf(projectId, row);
    if (!payload) return notFound(c, `The payload of step ${stepId} is missing from storage.`);
    return c.json(payload);
  });

  // Trends for dashboards: elimination per pipeline, or per step of one pipeline, in time buckets.
  app.get('/v1/trends', async (c) => {
    const projectId = c.var.projectId;
    const pipeline = textParam('pipeline', c.req.query('pipeline'));
    const step = textParam('step', c.req.query('step'));
    const by = choiceParam('by', c.req.query('by'), ['pipeline', 'step'] as const) ?? (step !== undefined ? 'step' : 'pipeline');
    if (by === 'step' && pipeline === undefined) throw new BadRequest('per-step trends need a pipeline: add pipeline=<name>');
    const rawInterval = c.req.query('interval') ?? '1h';
    const intervalSeconds = parseInterval(rawInterval);
    if (intervalSeconds === undefined) throw new BadRequest(`interval must look like 30s, 5m, 1h or 1d, got ${JSON.stringify(rawInterval)}`);
    const toMillis = timeParam('to', c.req.query('to')) ?? Date.now();
    const fromMillis = timeParam('from', c.req.query('from')) ?? toMillis - 24 * 3600_000;
    if (fromMillis >= toMillis) throw new BadRequest('from must be before to');
    if ((toMillis - fromMillis) / 1000 / intervalSeconds > MAX_TREND_POINTS) {
      throw new BadRequest(`from..to at interval ${rawInterval} makes more than ${MAX_TREND_POINTS} points per series; use a longer interval or a shorter range`);
    }
    const found = await rows.rows(trendQuery({ projectId, pipeline, bySteps: by === 'step', step, intervalSeconds, fromMillis, toMillis }));
    const body: TrendResponse = {
      intervalSeconds,
      from: new Date(fromMillis).toISOString(),
      to: new Date(toMillis).toISOString(),
      series: toTrendSeries(found, by === 'step'),
    };
    return c.json(body);
  });

  // Where did item X die: in one run, step by step.
  app.get('/v1/runs/:runId/items/:itemId', async (c) => {
    const projectId = c.var.projectId;
    const runId = runIdParam(c);
    const itemId = textParam('itemId', c.req.param('itemId'))!;
    const [found, steps] = await Promise.all([rows.rows(itemInRunQuery(projectId, runId, itemId)), rows.rows(listStepsQuery(projectId, runId))]);
    if (steps.length === 0) {
      const [run] = await rows.rows(getRunQuery(projectId, runId));
      if (!run) return runNotFound(c, runId);
    }
    if (found.length === 0) return notFound(c, `No recorded decision about item ${JSON.stringify(itemId)} in run ${runId}. With sampled capture only some items are recorded; record a run in full to follow every item.`);
    const body: ItemInRunResponse = toItemInRun(runId, itemId, found, stepIndex(steps));
    return c.json(body);
  });

  // Where did item X die: across runs, the first step that eliminated it in each.
  app.get('/v1/items/:itemId/runs', async (c) => {
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
        ...(after ? { after: { firstSeen: after.t, runId: after.r } } : {}),
      }),
    );
    const page = paginate(found, limit, (last) => ({ t: String(last.first_seen_text), r: String(last.run_id) }));
    const runIds = page.items.map((r) => String(r.run_id));
    const stepIds = page.items.map((r) => String((r.eliminated as unknown[] | undefined)?.[0] ?? '')).filter(Boolean);
    const [runs, steps] = runIds.length
      ? await Promise.all([rows.rows(runsByIdQuery(projectId, runIds)), rows.rows(stepNamesQuery(projectId, runIds, stepIds))])
      : [[], []];
    const runById = new Map(runs.map((r) => [String(r.run_id), r]));
    const body: ItemRunsResponse = { itemId, runs: page.items.map((r) => toItemRun(r, runById.get(String(r.run_id)), stepIndex(steps))), nextCursor: page.nextCursor };
    return c.json(body);
  });

  // What changed between two runs of one pipeline: per-step deltas and the items whose fate changed.
  app.get('/v1/runs/:runId/diff/:otherRunId', async (c) => {
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
    if (a.pipeline !== b.pipeline) throw new BadRequest(`runs ${runA} (${String(a.pipeline)}) and ${runB} (${String(b.pipeline)}) belong to different pipelines; compare two runs of one pipeline`);
    const all = [...stepsA, ...stepsB];
    const found = all.length
      ? await rows.rows(
          runDiffItemsQuery({ projectId, runA, runB, stepIds: all.map((st) => String(st.step_id)), stepNames: all.map((st) => String(st.name)), afterItem, limit }),
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

  /** The record a row points at in S3; only ever under the project's own prefix. */
  async function payloadOf(projectId: string, row: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const key = String(row.payload_key);
    if (!key.startsWith(`${projectId}/`)) throw new Error(`payload key ${key} is outside project ${projectId}`);
    return payloads.read(key, Number(row.payload_offset), Number(row.payload_length));
  }

  app.notFound((c) => notFound(c, `No route ${c.req.method} ${c.req.path}. Routes start with /v1/runs, /v1/steps, /v1/items, /v1/trends or /v1/decisions.`));

  app.onError((err, c) => {
    if (err instanceof BadRequest) return errorJson(c, 400, err.code, err.message);
    deps.log?.(`error on ${c.req.method} ${c.req.path}: ${err.message}`);
    if (isConnectionError(err)) {
      c.header('Retry-After', '1');
      return errorJson(c, 503, 'storage_unavailable', 'The query API could not reach its storage (ClickHouse or S3). Retry shortly; if it persists, check that they are running.');
    }
    return errorJson(c, 500, 'internal_error', 'The query failed inside X-Ray; the query API log has the details. Please report it.');
  });

  return app;
}

/**
 * One page of rows fetched with `limit + 1`: the extra row only says that another page exists, and
 * the cursor is the position of the last row returned.
 */
function paginate<R>(found: R[], limit: number, position: (last: R) => unknown): { items: R[]; nextCursor: string | null } {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}

/** Network-level failures (storage down or unreachable), as opposed to a failing query. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|UND_ERR_)/.test(code) || err.name === 'TimeoutError';
}

/** Step names and positions by step id. */
function stepIndex(steps: readonly Record<string, unknown>[]): StepIndex {
  return new Map(steps.map((st) => [String(st.step_id), { name: String(st.name), index: Number(st.step_index) }]));
}

/** Most buckets one trend series may have. */
const MAX_TREND_POINTS = 10_000;

const AUTH_ERROR_CODES = { 401: 'unauthorized', 403: 'forbidden', 503: 'auth_unavailable' } as const;

const runIdParam = (c: Context) => idParam(c.req.param('runId') ?? '', RUN_ID_RE, 'runId', '32 hex characters');

function runNotFound(c: Context, runId: string) {
  return notFound(c, `No run ${runId} in this project. Check the id, or wait a moment if the run just finished.`);
}

function idParam(raw: string, re: RegExp, name: string, shape: string): string {
  const value = raw.toLowerCase();
  if (!re.test(value)) throw new BadRequest(`${name} must be ${shape}, got ${JSON.stringify(raw)}`);
  return value;
}

function notFound(c: Context, message: string) {
  return errorJson(c, 404, 'not_found', message);
}

function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  const body: ErrorResponse = { error: { code, message } };
  return c.json(body, status);
}

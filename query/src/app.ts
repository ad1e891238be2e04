import type { Authenticator } from '@xray/auth';
import { classifyOutage, createOpsApp, silentLogger, type Logger } from '@xray/core/service';
import { Hono } from 'hono';
import type { AlertStore } from './alerts/store.js';
import { type Env, errorJson, notFound, type RetentionLookup, type RunDeleter } from './http.js';
import { openApiDocument } from './openapi.js';
import { BadRequest } from './params.js';
import { apiRoutes } from './routes/index.js';
import type { PayloadReader, RowReader } from './store.js';

export interface QueryAppDeps {
  rows: RowReader;
  payloads: PayloadReader;
  /** Checks the request's read or admin key; every query is limited to the key's project. */
  authenticate: Authenticator;
  /** A project's retention (`createRetentionLookup` of `@xray/auth`): payloads of older days answer 410. */
  retention: RetentionLookup;
  /** Deletes runs (`DELETE /v1/runs/{runId}`, admin keys only); without it that route is absent. */
  deletions?: RunDeleter;
  /** Reachability checks for /readyz, e.g. `{ clickhouse, s3 }`. */
  checks?: Record<string, () => Promise<boolean>>;
  /** Where failed requests are reported (default: nowhere). */
  logger?: Logger;
  /** Alert rules and state (`/v1/alerts/*`); without it those routes are absent. */
  alerts?: AlertStore;
}

/** The query API: metrics from ClickHouse, full payloads from S3. */
export function createApp(deps: QueryAppDeps): Hono<Env> {
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
    c.set('keyKind', auth.key.kind);
    await next();
  });

  app.route(
    '/',
    createOpsApp({
      checks: deps.checks,
      metrics: () => {
        const samples = [...requests].map(([key, v]) => {
          const [route = '', status = ''] = key.split('\u0000');
          return { labels: { route, status }, ...v };
        });
        return [
          {
            name: 'xray_query_requests_total',
            help: 'Answered API requests, by route and HTTP status.',
            type: 'counter',
            samples: samples.map((x) => ({ labels: x.labels, value: x.count })),
          },
          {
            name: 'xray_query_request_seconds_total',
            help: 'Time spent answering, by route and status; divide by requests for the mean latency.',
            type: 'counter',
            samples: samples.map((x) => ({ labels: x.labels, value: x.millis / 1000 })),
          },
        ];
      },
    })
  );
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  // Each route as declared in routes/*.ts: its parameters validated (400 naming the one refused), then answered.
  const { rows, payloads, retention, deletions } = deps;
  app.route('/v1', apiRoutes({ rows, payloads, retention, ...(deletions ? { deletions } : {}) }, deps.alerts));

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return errorJson(
        c,
        405,
        'method_not_allowed',
        `${c.req.method} is not a method of ${c.req.path}; it takes ${allowed.join(', ')}. GET /openapi.json lists the routes.`
      );
    }
    return notFound(
      c,
      `No route ${c.req.method} ${c.req.path}. Routes start with /v1/project, /v1/runs, /v1/steps, /v1/items, /v1/decisions, /v1/payloads, /v1/trends or /v1/alerts; GET /openapi.json lists them.`
    );
  });

  app.onError((err, c) => {
    if (err instanceof BadRequest) return errorJson(c, 400, err.code, err.message);
    (deps.logger ?? silentLogger).error(`error on ${c.req.method} ${c.req.path}: ${err.message}`);
    // Storage the network cannot reach: 503, worth a retry. Anything else (a failing query, a bug): 500.
    if (classifyOutage(err) === 'unreachable') {
      c.header('Retry-After', '1');
      return errorJson(
        c,
        503,
        'storage_unavailable',
        'The query API could not reach its storage (ClickHouse or S3). Retry shortly; if it persists, check that they are running.'
      );
    }
    return errorJson(
      c,
      500,
      'internal_error',
      'The query failed inside X-Ray; the query API log has the details. Please report it.'
    );
  });

  return app;
}

/** Route paths compiled once: the routes are fixed when the app is built. */
const ROUTE_PATTERNS = new Map<string, RegExp>();

/** A route path (`/v1/runs/:runId`) as a regular expression matching the request paths it serves. */
function routePattern(route: string): RegExp {
  let pattern = ROUTE_PATTERNS.get(route);
  if (!pattern) {
    const source = route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z][A-Za-z0-9]*/g, '[^/]+');
    pattern = new RegExp(`^${source}$`);
    ROUTE_PATTERNS.set(route, pattern);
  }
  return pattern;
}

/** The methods `app` serves at `path` (HEAD wherever GET is): a request with another method gets 405 and these as Allow. */
function allowedMethods(app: Hono<Env>, path: string): string[] {
  const methods = new Set(
    app.routes.filter((r) => r.method !== 'ALL' && routePattern(r.path).test(path)).map((r) => r.method)
  );
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const AUTH_ERROR_CODES = { 401: 'unauthorized', 403: 'forbidden', 503: 'auth_unavailable' } as const;

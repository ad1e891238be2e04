/**
 * The query API's contract: one definition per route (path, parameters, answer), from which the
 * OpenAPI document served at GET /openapi.json is generated. A test checks that the routes the app
 * registers and these definitions are the same set, so the document cannot drift from the app.
 */

type Schema = Record<string, unknown>;

interface Param {
  name: string;
  in: 'path' | 'query';
  description: string;
  schema: Schema;
  required?: boolean;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** Hono form, e.g. `/v1/runs/:runId`. */
  path: string;
  summary: string;
  params: Param[];
  /** Name of the answer's schema in `components.schemas`; none for an empty 204 answer. */
  answer?: string;
}

const str: Schema = { type: 'string' };
const int = (min: number, max: number): Schema => ({ type: 'integer', minimum: min, maximum: max });
const ratio: Schema = { type: 'number', minimum: 0, maximum: 1 };
const time: Schema = { type: 'string', description: 'ISO-8601 time or milliseconds since the epoch' };
const q = (name: string, description: string, schema: Schema = str): Param => ({
  name,
  in: 'query',
  description,
  schema,
});
const p = (name: string, description: string, schema: Schema = str): Param => ({
  name,
  in: 'path',
  description,
  schema,
  required: true,
});
const runId = p('runId', 'run id (32 hex characters)', { type: 'string', pattern: '^[0-9a-fA-F]{32}$' });
const stepId = p('stepId', 'step id (16 hex characters)', { type: 'string', pattern: '^[0-9a-fA-F]{16}$' });
const ruleId = p('ruleId', 'alert rule id (16 hex characters)', { type: 'string', pattern: '^[0-9a-fA-F]{16}$' });
const limit = q('limit', 'page size', int(1, 1000));
const cursor = q('cursor', 'nextCursor of the previous page');
const consistency = q(
  'consistency',
  'exact (default: read with FINAL) or eventual (faster; a re-delivered row may count twice until merged)',
  { type: 'string', enum: ['exact', 'eventual'] }
);
const outcome = q('outcome', 'kept, eliminated or scored', { type: 'string', enum: ['kept', 'eliminated', 'scored'] });

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/pipelines',
    summary: 'The pipelines that ran in a time range, with run counts and elimination ratio',
    params: [
      q('from', 'runs started at or after', time),
      q('to', 'runs started before', time),
      q('limit', 'at most this many pipelines (1-10000, default 1000)', {
        type: 'integer',
        minimum: 1,
        maximum: 10000,
      }),
    ],
    answer: 'PipelineListResponse',
  },
  {
    method: 'get',
    path: '/v1/runs',
    summary: 'Runs that look wrong: newest first, or highest elimination ratio first',
    params: [
      q('pipeline', 'only this pipeline'),
      q('minEliminationRatio', 'lowest elimination ratio', ratio),
      q('maxEliminationRatio', 'highest elimination ratio', ratio),
      q('status', 'ok or error', { type: 'string', enum: ['ok', 'error'] }),
      q('sort', 'time (default) or ratio', { type: 'string', enum: ['time', 'ratio'] }),
      q('from', 'runs started at or after', time),
      q('to', 'runs started before', time),
      limit,
      cursor,
    ],
    answer: 'RunListResponse',
  },
  { method: 'get', path: '/v1/runs/:runId', summary: "One run's metrics", params: [runId], answer: 'RunSummary' },
  {
    method: 'get',
    path: '/v1/runs/:runId/steps',
    summary: "The run's step funnel, with the worst step",
    params: [runId],
    answer: 'StepListResponse',
  },
  {
    method: 'get',
    path: '/v1/runs/:runId/payload',
    summary: "The run's raw record (input, output) from S3",
    params: [runId],
    answer: 'Payload',
  },
  {
    method: 'get',
    path: '/v1/runs/:runId/items/:itemId',
    summary: 'Where an item went in the run, step by step',
    params: [runId, p('itemId', 'the item id the SDK recorded')],
    answer: 'ItemInRunResponse',
  },
  {
    method: 'get',
    path: '/v1/runs/:runId/diff/:otherRunId',
    summary: 'What changed between two runs of one pipeline',
    params: [
      runId,
      p('otherRunId', 'the run to compare with', { type: 'string', pattern: '^[0-9a-fA-F]{32}$' }),
      q('limit', 'items per page (default 100)', int(1, 1000)),
      cursor,
      consistency,
    ],
    answer: 'RunDiffResponse',
  },
  {
    method: 'get',
    path: '/v1/steps/:stepId/decisions',
    summary: "A step's decisions, in decision order",
    params: [
      stepId,
      outcome,
      q('itemId', 'only this item'),
      q('reasonCode', 'only this reason code'),
      q('reason', 'only this reason text (exact)'),
      q('minScore', 'lowest score', { type: 'number' }),
      q('maxScore', 'highest score', { type: 'number' }),
      limit,
      cursor,
    ],
    answer: 'DecisionListResponse',
  },
  {
    method: 'get',
    path: '/v1/steps/:stepId/reasons',
    summary: 'Why the step decided as it did: a reason histogram with example decisions',
    params: [
      stepId,
      outcome,
      q('examples', 'example decisions per reason (default 3)', int(1, 10)),
      limit,
      consistency,
    ],
    answer: 'ReasonHistogramResponse',
  },
  {
    method: 'get',
    path: '/v1/steps/:stepId/payload',
    summary: "The step's raw record (input, output, metadata) from S3",
    params: [stepId],
    answer: 'Payload',
  },
  {
    method: 'get',
    path: '/v1/items/:itemId/runs',
    summary: 'The runs an item went through, with the step that eliminated it in each',
    params: [
      p('itemId', 'the item id the SDK recorded'),
      q('pipeline', 'only this pipeline'),
      q('from', 'decisions at or after', time),
      q('to', 'decisions before', time),
      limit,
      cursor,
      consistency,
    ],
    answer: 'ItemRunsResponse',
  },
  {
    method: 'get',
    path: '/v1/trends',
    summary: 'Elimination over time per pipeline, or per step of one pipeline',
    params: [
      q('pipeline', 'only this pipeline (required with by=step)'),
      q('by', 'pipeline (default) or step', { type: 'string', enum: ['pipeline', 'step'] }),
      q('step', 'only this step name (implies by=step)'),
      q('interval', 'bucket size: 30s, 5m, 1h (default), 1d'),
      q('from', 'default: 24 hours before to', time),
      q('to', 'default: now', time),
      consistency,
    ],
    answer: 'TrendResponse',
  },
  {
    method: 'post',
    path: '/v1/alerts/rules',
    summary: 'Create an alert rule (JSON body: see query/README.md)',
    params: [],
    answer: 'AlertRule',
  },
  {
    method: 'get',
    path: '/v1/alerts/rules',
    summary: "The project's alert rules",
    params: [],
    answer: 'AlertRuleList',
  },
  {
    method: 'get',
    path: '/v1/alerts/rules/:ruleId',
    summary: 'One alert rule with its state (ok or firing, since, last value)',
    params: [ruleId],
    answer: 'AlertRule',
  },
  {
    method: 'delete',
    path: '/v1/alerts/rules/:ruleId',
    summary: 'Delete an alert rule (204, no body)',
    params: [ruleId],
  },
  {
    method: 'get',
    path: '/v1/alerts/events',
    summary: 'Recent firing and resolved transitions, newest first',
    params: [q('limit', 'how many (default 50)', int(1, 500))],
    answer: 'AlertEventList',
  },
  {
    method: 'get',
    path: '/v1/decisions/:eventId',
    summary: 'One decision with its full payload from S3',
    params: [p('eventId', '<step id>-<sequence number>', { type: 'string', pattern: '^[0-9a-fA-F]{16}-[0-9]{1,10}$' })],
    answer: 'DecisionDetail',
  },
];

/** Routes outside the contract (operations), and the document itself. */
export const UNDOCUMENTED = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** `/v1/runs/:runId` → `/v1/runs/{runId}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** The OpenAPI 3.1 document of {@link ROUTES} (answers named, described in the README and core/src/api.ts). */
export function openApiDocument(routes: readonly RouteSpec[] = ROUTES): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const answers = new Set<string>();
  for (const r of routes) {
    if (r.answer) answers.add(r.answer);
    (paths[openApiPath(r.path)] ??= {})[r.method] = {
      summary: r.summary,
      parameters: r.params.map(({ required, ...param }) => ({ ...param, required: required ?? false })),
      security: [{ readKey: [] }],
      responses: {
        ...(r.answer
          ? {
              '200': {
                description: r.summary,
                content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.answer}` } } },
              },
            }
          : { '204': { description: r.summary } }),
        '400': ERROR_RESPONSE('A parameter is malformed; the message names it and what it accepts.'),
        '401': ERROR_RESPONSE('No key, or a malformed, unknown or revoked key.'),
        '403': ERROR_RESPONSE('An ingest key: reading needs a read key.'),
        '404': ERROR_RESPONSE('No such id in the key’s project.'),
        '503': ERROR_RESPONSE('Storage or the key store is unreachable; retry after Retry-After.'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'X-Ray query API',
      version: '1',
      description: 'Which step of a pipeline eliminated which items, and why.',
    },
    paths,
    components: {
      securitySchemes: { readKey: { type: 'http', scheme: 'bearer', description: "The project's read key (xrr_…)" } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str } },
          },
        },
        ...Object.fromEntries(
          [...answers].map((name) => [
            name,
            {
              type: 'object',
              description: `See ${name} in core/src (api.ts, item-api.ts, trends.ts) or query/src/alerts.`,
            },
          ])
        ),
      },
    },
  };
}

function ERROR_RESPONSE(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

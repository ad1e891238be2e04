/**
 * The OpenAPI 3.1 document served at GET /openapi.json, generated from the route declarations
 * (routes/*.ts, alerts/routes.ts) and the answer schemas of `@xray/core/api`: the same objects that
 * validate requests, so the document cannot drift from the app.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AlertStore } from './alerts/store.js';
import type { Env } from './http.js';
import { apiRoutes } from './routes/index.js';

/** Routes outside the contract (operations), and the document itself. */
export const UNDOCUMENTED = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** `/v1/runs/:runId` → `/v1/runs/{runId}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');

let document: Record<string, unknown> | undefined;

/** The document (built once: the declarations do not change while the process runs). */
export function openApiDocument(): Record<string, unknown> {
  return (document ??= build());
}

function build(): Record<string, unknown> {
  // Declaring routes touches no store: these are never called.
  const unused = () => Promise.reject(new Error('the OpenAPI document reads no data'));
  const app = new OpenAPIHono<Env>();
  const stores = {
    rows: { rows: unused },
    payloads: { record: unused, value: unused },
    retention: unused,
    deletions: { deleteRun: unused },
  };
  app.route('/v1', apiRoutes(stores, {} as AlertStore));
  app.openAPIRegistry.registerComponent('securitySchemes', 'readKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The project's read key (xrr_…) or admin key (xra_…); Basic with the key as password works too. Deleting takes the admin key only.",
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'X-Ray query API',
      version: '1',
      description:
        'Which step of a pipeline eliminated which items, and why. Every /v1 call needs a read or admin key and sees its project only (deleting needs the admin key); errors are {"error":{"code","message"}}.',
    },
    security: [{ readKey: [] }],
  }) as unknown as Record<string, unknown>;
}

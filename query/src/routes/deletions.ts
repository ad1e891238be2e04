/** `DELETE /v1/runs/{runId}`: a run and everything recorded of it, with the project's admin key. */
import { createRoute } from '@hono/zod-openapi';
import { RunDeletion } from '@xray/core/api';
import type { MiddlewareHandler } from 'hono';
import { errors, json, routeApp } from '../contract.js';
import { type Env, errorJson, type RunDeleter, runNotFound } from '../http.js';
import { runParams } from './runs.js';

/** Only an admin key deletes; a read key is refused before anything else is looked at. */
const adminOnly: MiddlewareHandler<Env> = async (c, next) => {
  if (c.var.keyKind !== 'admin')
    return errorJson(
      c,
      403,
      'forbidden',
      "Deleting needs the project's admin key (xra_…); create one with xray create key <project> --kind admin."
    );
  await next();
};

const remove = createRoute({
  method: 'delete',
  path: '/runs/{runId}',
  operationId: 'deleteRun',
  summary: "Deletes a run with its steps, decisions and payloads (the project's admin key only)",
  description:
    'Writes a tombstone first, so the run answers 410 gone from then on, also while its rows and objects are removed. Deleting a run again answers 200 with alreadyDeleted: true. Another project’s run is 404.',
  middleware: [adminOnly] as const,
  request: { params: runParams },
  responses: { 200: json(RunDeletion, 'The run is deleted'), ...errors(404) },
});

export function deletionRoutes(deletions: RunDeleter) {
  const app = routeApp();

  app.openapi(remove, async (c) => {
    const { runId } = c.req.valid('param');
    const deleted = await deletions.deleteRun(c.var.projectId, runId);
    if (!deleted) return runNotFound(c, runId);
    return c.json(deleted, 200);
  });

  return app;
}

/** The key's project: `GET /v1/project`, its id and how long it keeps data. */
import { createRoute } from '@hono/zod-openapi';
import { ProjectResponse } from '@xray/core/api';
import { errors, json, routeApp } from '../contract.js';
import type { QueryStores } from '../http.js';

const project = createRoute({
  method: 'get',
  path: '/project',
  operationId: 'getProject',
  summary: "The key's project and its retention: its own (xray set retention) or the deployment's default",
  responses: { 200: json(ProjectResponse, 'The project'), ...errors() },
});

export function projectRoutes({ retention }: QueryStores) {
  const app = routeApp();

  app.openapi(project, async (c) => {
    const projectId = c.var.projectId;
    const { days, source } = await retention(projectId);
    return c.json({ projectId, retention: { days, source } }, 200);
  });

  return app;
}

/** Every route of the query API, as one app to mount under /v1 (app.ts) or to describe (openapi.ts). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { alertRoutes } from '../alerts/routes.js';
import type { AlertStore } from '../alerts/store.js';
import { routeApp } from '../contract.js';
import type { Env, QueryStores } from '../http.js';
import { deletionRoutes } from './deletions.js';
import { itemRoutes } from './items.js';
import { payloadRoutes } from './payloads.js';
import { projectRoutes } from './project.js';
import { runRoutes } from './runs.js';
import { stepRoutes } from './steps.js';
import { trendRoutes } from './trends.js';

/** The `/v1` routes over `stores`; the deletion route only with `stores.deletions`, the alert routes only with an alert store. */
export function apiRoutes(stores: QueryStores, alerts?: AlertStore): OpenAPIHono<Env> {
  const api = routeApp();
  for (const routes of [projectRoutes, runRoutes, stepRoutes, itemRoutes, trendRoutes, payloadRoutes])
    api.route('/', routes(stores));
  if (stores.deletions) api.route('/', deletionRoutes(stores.deletions));
  if (alerts) api.route('/', alertRoutes(alerts));
  return api;
}

/** The alert routes, under the read key's project: rules (create, list, get with state, delete) and transitions. */
import { createRoute } from '@hono/zod-openapi';
import {
  AlertEventListResponse,
  AlertRule,
  AlertRuleListResponse,
  AlertRuleWithState,
  MAX_EVENTS,
  MAX_RULES,
  NewAlertRule,
} from '@xray/core/api';
import type { Context } from 'hono';
import { z } from 'zod';
import { errors, json, link, linked, routeApp } from '../contract.js';
import { notFound } from '../http.js';
import { BadRequest, hexId, limit } from '../params.js';
import { validateRule } from './rules.js';
import type { AlertStore } from './store.js';

const MAX_BODY_BYTES = 256 * 1024;

/** The body's JSON Schema (OpenAPI 3.1 speaks draft 2020-12), for the document only. */
const NEW_RULE_SCHEMA = (() => {
  const json = z.toJSONSchema(NewAlertRule, { target: 'draft-2020-12', io: 'input' });
  return (json.$defs?.NewAlertRule ?? json) as Record<string, unknown>;
})();

const ruleParams = z.object({ ruleId: hexId('ruleId', 16, 'alert rule id', '9c2d41e07ab35f18') });

/** Links from an answer holding a rule id at `at` to that rule. */
const ruleLinks = (at: string, which: string) => ({
  Rule: link('getAlertRule', { ruleId: at }, `${which} with its state`),
  DeleteRule: link('deleteAlertRule', { ruleId: at }, `Delete ${which.toLowerCase()}`),
});

const create = createRoute({
  method: 'post',
  path: '/alerts/rules',
  operationId: 'createAlertRule',
  summary: 'Create an alert rule',
  // Documented, not validated here: validateRule checks the body and names the field it refuses.
  request: {
    body: {
      required: true,
      description: `The rule (at most ${MAX_BODY_BYTES} bytes; at most ${MAX_RULES} rules per project).`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/NewAlertRule' } } },
    },
  },
  responses: {
    201: linked(json(AlertRule, 'The rule, with its id'), ruleLinks('$response.body#/id', 'The rule')),
    ...errors(),
  },
});

const list = createRoute({
  method: 'get',
  path: '/alerts/rules',
  operationId: 'listAlertRules',
  summary: "The project's alert rules",
  responses: {
    200: linked(
      json(AlertRuleListResponse, 'The rules, oldest first'),
      ruleLinks('$response.body#/rules/0/id', 'The oldest rule')
    ),
    ...errors(),
  },
});

const get = createRoute({
  method: 'get',
  path: '/alerts/rules/{ruleId}',
  operationId: 'getAlertRule',
  summary: 'One alert rule with its state (ok or firing, since, last value)',
  request: { params: ruleParams },
  responses: { 200: json(AlertRuleWithState, 'The rule and its state'), ...errors(404) },
});

const remove = createRoute({
  method: 'delete',
  path: '/alerts/rules/{ruleId}',
  operationId: 'deleteAlertRule',
  summary: 'Delete an alert rule and its state',
  request: { params: ruleParams },
  responses: { 204: { description: 'Deleted.' }, ...errors(404) },
});

const events = createRoute({
  method: 'get',
  path: '/alerts/events',
  operationId: 'listAlertEvents',
  summary: 'Recent firing and resolved transitions, newest first',
  request: {
    query: z.object({ limit: limit({ max: MAX_EVENTS, description: `how many (1-${MAX_EVENTS}, default 50)` }) }),
  },
  responses: {
    200: linked(json(AlertEventListResponse, 'The transitions, newest first'), {
      Rule: link('getAlertRule', { ruleId: '$response.body#/events/0/ruleId' }, 'The rule of the newest transition'),
    }),
    ...errors(),
  },
});

/** `/alerts/*`, mounted under /v1 behind the read-key middleware. */
export function alertRoutes(store: AlertStore) {
  const app = routeApp();
  app.openAPIRegistry.registerComponent('schemas', 'NewAlertRule', NEW_RULE_SCHEMA);

  app.openapi(create, async (c) => {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES)
      throw new BadRequest(`the rule body must be at most ${MAX_BODY_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BadRequest('the body must be a JSON object describing the rule (it is not valid JSON)');
    }
    const checked = validateRule(body);
    if (!checked.ok) throw new BadRequest(checked.error);
    const rule = await store.createRule(c.var.projectId, checked.spec);
    if (!rule)
      throw new BadRequest(`this project already has ${MAX_RULES} alert rules; delete one before creating another`);
    return c.json(rule, 201);
  });

  app.openapi(list, async (c) => c.json({ rules: await store.listRules(c.var.projectId) }, 200));

  app.openapi(get, async (c) => {
    const { ruleId } = c.req.valid('param');
    const rule = await store.getRule(c.var.projectId, ruleId);
    if (!rule) return ruleNotFound(c, ruleId);
    return c.json({ ...rule, state: await store.getState(c.var.projectId, ruleId) }, 200);
  });

  app.openapi(remove, async (c) => {
    const { ruleId } = c.req.valid('param');
    if (!(await store.deleteRule(c.var.projectId, ruleId))) return ruleNotFound(c, ruleId);
    return c.body(null, 204);
  });

  app.openapi(events, async (c) => {
    const { limit } = c.req.valid('query');
    return c.json({ events: await store.listEvents(c.var.projectId, limit) }, 200);
  });

  return app;
}

function ruleNotFound(c: Context, ruleId: string) {
  return notFound(c, `No alert rule ${ruleId} in this project. Rule ids come from GET /v1/alerts/rules.`);
}

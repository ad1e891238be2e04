/** The alert routes, under the read key's project: rules (create, list, get with state, delete) and transitions. */
import { type ErrorResponse, MAX_EVENTS, MAX_RULES } from '@xray/core/api';
import type { Context, Hono } from 'hono';
import { BadRequest, limitParam } from '../params.js';
import { validateRule } from './rules.js';
import type { AlertStore } from './store.js';

type Env = { Variables: { projectId: string } };

const RULE_ID_RE = /^[0-9a-f]{16}$/;
const MAX_BODY_BYTES = 256 * 1024;

/** Registers `/v1/alerts/*` on the query API's app (behind its read-key middleware). */
export function registerAlertRoutes(app: Hono<Env>, store: AlertStore): void {
  app.post('/v1/alerts/rules', async (c) => {
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

  app.get('/v1/alerts/rules', async (c) => c.json({ rules: await store.listRules(c.var.projectId) }));

  app.get('/v1/alerts/rules/:ruleId', async (c) => {
    const ruleId = ruleIdParam(c.req.param('ruleId'));
    const rule = await store.getRule(c.var.projectId, ruleId);
    if (!rule) return ruleNotFound(c, ruleId);
    return c.json({ ...rule, state: await store.getState(c.var.projectId, ruleId) });
  });

  app.delete('/v1/alerts/rules/:ruleId', async (c) => {
    const ruleId = ruleIdParam(c.req.param('ruleId'));
    if (!(await store.deleteRule(c.var.projectId, ruleId))) return ruleNotFound(c, ruleId);
    return c.body(null, 204);
  });

  app.get('/v1/alerts/events', async (c) => {
    const limit = limitParam(c.req.query('limit'), 50, MAX_EVENTS);
    return c.json({ events: await store.listEvents(c.var.projectId, limit) });
  });
}

function ruleIdParam(raw: string): string {
  const value = raw.toLowerCase();
  if (!RULE_ID_RE.test(value)) throw new BadRequest(`ruleId must be 16 hex characters, got ${JSON.stringify(raw)}`);
  return value;
}

function ruleNotFound(c: Context, ruleId: string) {
  const body: ErrorResponse = {
    error: {
      code: 'not_found',
      message: `No alert rule ${ruleId} in this project. Rule ids come from GET /v1/alerts/rules.`,
    },
  };
  return c.json(body, 404);
}

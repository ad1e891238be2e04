import { randomBytes } from 'node:crypto';
import {
  AlertRule,
  type AlertEvent,
  type AlertEventListResponse,
  type AlertRuleListResponse,
  type AlertRuleWithState,
  type ErrorResponse,
} from '@xray/core/api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openRouteStack, type RouteStack } from '../routes/routes.fixture.js';
import { type AlertStore, redisAlertStore } from './store.js';

// The alert routes in process over the real Redis store, under a key prefix of their own.
const prefix = `test:alert-routes-${randomBytes(4).toString('hex')}`;
let store: AlertStore;
let stack: RouteStack;
const theirKey = () => stack.keys[stack.projects[1]!];
const post = (body: unknown, key?: string) =>
  stack.request<AlertRule & ErrorResponse>('/v1/alerts/rules', {
    method: 'POST',
    headers: { authorization: `Bearer ${key ?? stack.keys[stack.projects[0]!]}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const remove = (id: string) => stack.request(`/v1/alerts/rules/${id}`, { method: 'DELETE' });
const ratio = {
  kind: 'elimination_ratio',
  pipeline: 'search',
  step: 'filter',
  condition: 'above',
  threshold: 0.6,
  windowSeconds: 900,
  webhook: 'https://hooks.example.com/xray',
};

beforeAll(async () => {
  store = redisAlertStore(inject('redisUrl'), prefix);
  stack = await openRouteStack('alerts', store);
});
afterAll(async () => {
  await stack.close();
  await store.close();
  const redis = new Redis(inject('redisUrl'));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('the alert routes', () => {
  it('create a rule (its answer as declared), list it, show it with its state, and delete it', async () => {
    const created = await post(ratio);
    expect(created.status).toBe(201);
    expect(AlertRule.parse(created.body)).toEqual({
      ...ratio,
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      createdAt: expect.any(String),
      name: 'search / filter: elimination ratio above 0.6',
    });
    const second = await post({
      kind: 'item_eliminated',
      items: ['doc-1', 'doc-1', 'doc-2'],
      windowSeconds: 60,
      webhook: 'http://127.0.0.1:9/',
    });
    expect(second.body).toMatchObject({
      items: ['doc-1', 'doc-2'],
      threshold: 0,
      name: 'watch-listed item eliminated (2 items)',
    });

    const list = await stack.get<AlertRuleListResponse>('/v1/alerts/rules');
    expect(list.body.rules.map((r) => r.id)).toEqual([created.body.id, second.body.id]);
    const shown = await stack.get<AlertRuleWithState>(`/v1/alerts/rules/${created.body.id.toUpperCase()}`);
    expect(shown.body).toEqual({
      ...created.body,
      state: {
        status: 'ok',
        since: null,
        lastValue: null,
        lastEvaluatedAt: null,
        evaluationError: null,
        notifications: { sent: 0, failed: 0, lastError: null },
      },
    });

    expect((await remove(created.body.id)).status).toBe(204);
    expect((await stack.get(`/v1/alerts/rules/${created.body.id}`)).status).toBe(404);
    const again = await remove(created.body.id);
    expect([again.status, (again.body as ErrorResponse).error.message]).toEqual([
      404,
      `No alert rule ${created.body.id} in this project. Rule ids come from GET /v1/alerts/rules.`,
    ]);
    await remove(second.body.id);
  });

  it('refuse a bad body or id with a sentence naming what to fix', async () => {
    const bad: [unknown, string][] = [
      ['{not json', 'the body must be a JSON object describing the rule (it is not valid JSON)'],
      [{ ...ratio, threshold: 2 }, 'threshold must be a number from 0 to 1 (a ratio or share); got 2'],
      [
        { ...ratio, colour: 'red' },
        'colour is not a field of a elimination_ratio rule; its fields are kind, name, threshold, windowSeconds, webhook, pipeline, step, condition',
      ],
      [{ ...ratio, webhook: 'file:///etc/passwd' }, 'webhook must use http or https; got file'],
      [JSON.stringify({ ...ratio, name: 'x'.repeat(300 * 1024) }), 'the rule body must be at most 262144 bytes'],
    ];
    for (const [body, message] of bad) {
      const res = await post(body);
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'invalid_parameter', message]);
    }
    const id = await stack.get<ErrorResponse>('/v1/alerts/rules/not-an-id');
    expect([id.status, id.body.error.message]).toEqual([400, 'ruleId must be 16 hex characters, got "not-an-id"']);
    const limit = await stack.get<ErrorResponse>('/v1/alerts/events?limit=501');
    expect(limit.body.error.message).toBe('limit must be an integer from 1 to 500, got "501"');
  });

  it("keep each project's rules to itself, and at most 100 of them", async () => {
    const mine = await post(ratio);
    expect((await stack.get(`/v1/alerts/rules/${mine.body.id}`, theirKey())).status).toBe(404);
    expect((await stack.get<AlertRuleListResponse>('/v1/alerts/rules', theirKey())).body.rules).toEqual([]);
    for (let i = 0; i < 100; i++) expect((await post(ratio, theirKey())).status).toBe(201);
    const over = await post(ratio, theirKey());
    expect([over.status, over.body.error.message]).toEqual([
      400,
      'this project already has 100 alert rules; delete one before creating another',
    ]);
  });

  it('list the transitions, newest first', async () => {
    const at = new Date().toISOString();
    const event: Omit<AlertEvent, 'state' | 'value'> = {
      ruleId: 'a'.repeat(16),
      ruleName: 'r',
      kind: 'elimination_ratio',
      threshold: 0.5,
      at,
      details: [],
    };
    await store.addEvent(stack.projects[0]!, { ...event, state: 'firing', value: 0.9 });
    await store.addEvent(stack.projects[0]!, { ...event, state: 'resolved', value: 0.1 });
    const { body } = await stack.get<AlertEventListResponse>('/v1/alerts/events');
    expect(body.events.map((e) => [e.state, e.value])).toEqual([
      ['resolved', 0.1],
      ['firing', 0.9],
    ]);
    expect((await stack.get<AlertEventListResponse>('/v1/alerts/events?limit=1')).body.events).toHaveLength(1);
    expect((await stack.get<AlertEventListResponse>('/v1/alerts/events', theirKey())).body.events).toEqual([]);
  });
});

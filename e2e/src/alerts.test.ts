import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openKeyStore, type ProjectKeys, provisionProject } from '@xray/auth';
import type { ErrorResponse } from '@xray/core/api';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@xray/stack';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Alert rules of all three kinds, evaluated by the real query API against real runs, notifying a
// real HTTP endpoint started here.
interface Notification {
  rule: { id: string; name: string; kind: string };
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  window: { seconds: number; from: string; to: string };
  project: string;
  at: string;
  details: Record<string, unknown>[];
}
interface Rule {
  id: string;
  name: string;
  kind: string;
  state?: {
    status: string;
    since: string | null;
    lastValue: number | null;
    lastEvaluatedAt: string | null;
    notifications: { sent: number; failed: number; lastError: string | null };
  };
}

let stack: TestStack;
let other: ProjectKeys;
let hook: Server;
let hookUrl: string;
const received: Record<string, Notification[]> = {};
const rules: Record<'ratio' | 'reason' | 'items' | 'unreachable', Rule> = {} as never;

async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  key = stack.keys.readKey
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.queryUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** One run of `alerts-search`: `eliminated` of `count` items eliminated by its filter step. */
async function sendRun(prefix: string, count: number, eliminated: number): Promise<void> {
  const xray = new XRay({ endpoint: `${stack.receiverUrl}/v1/traces`, apiKey: stack.keys.ingestKey, capture: 'full' });
  const items = Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}` }));
  const runId = await xray.startRun('alerts-search', items);
  const out = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) =>
      input.map((x, i) =>
        i < eliminated
          ? { itemId: x.id, outcome: ELIMINATED, reason: 'Missing required keywords', reasonCode: 'missing_keyword' }
          : { itemId: x.id, outcome: KEPT, reason: 'All keywords present', reasonCode: 'ok' }
      ),
    items
  );
  await xray.endRun(
    runId,
    out.filter((d) => d.outcome === KEPT)
  );
  await xray.shutdown();
  expect(xray.stats().exportFailures).toBe(0);
}

const notifications = (rule: Rule, state?: 'firing' | 'resolved') =>
  (received[rule.id] ?? []).filter((n) => state === undefined || n.state === state);
const waitFor = (rule: Rule, state: 'firing' | 'resolved', timeout = 30_000) =>
  eventually(async () => notifications(rule, state)[0], timeout, `a ${state} notification of ${rule.name}`);

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const n = JSON.parse(body) as Notification;
      (received[n.rule.id] ??= []).push(n);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  stack = await startTestStack('alerts', { XRAY_ALERTS_INTERVAL_MS: '300', XRAY_ALERTS_WEBHOOK_TIMEOUT_MS: '1000' });
  const store = openKeyStore(stack.authStore, stack.redisUrl);
  other = await provisionProject(store, `${stack.projectId}-b`).finally(() => store.close());

  const hour = 3600;
  const create = async (body: Record<string, unknown>) => {
    const res = await api<Rule>('POST', '/v1/alerts/rules', body);
    expect(res.status).toBe(201);
    return res.body;
  };
  rules.ratio = await create({
    kind: 'elimination_ratio',
    name: 'filter too aggressive',
    pipeline: 'alerts-search',
    step: 'filter',
    condition: 'above',
    threshold: 0.5,
    windowSeconds: hour,
    webhook: hookUrl,
  });
  rules.reason = await create({
    kind: 'reason_share',
    pipeline: 'alerts-search',
    step: 'filter',
    reasonCode: 'missing_keyword',
    condition: 'above',
    threshold: 0.5,
    windowSeconds: hour,
    webhook: hookUrl,
  });
  // A short window: the elimination leaves it by itself, which resolves the rule.
  rules.items = await create({
    kind: 'item_eliminated',
    items: ['bad-5', 'bad-95', 'never-seen'],
    windowSeconds: 20,
    webhook: hookUrl,
  });
  rules.unreachable = await create({
    kind: 'elimination_ratio',
    pipeline: 'alerts-search',
    step: 'filter',
    condition: 'above',
    threshold: 0.5,
    windowSeconds: hour,
    webhook: `http://127.0.0.1:${await freePort()}/nobody`,
  });
  // 90 of 100 eliminated, all with the reason code missing_keyword; bad-5 is among them, bad-95 is kept.
  await sendRun('bad', 100, 90);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await new Promise((r) => hook?.close(r));
});

describe('alert rules', () => {
  it('notify once when the elimination ratio of a step crosses the threshold, and again when it resolves', async () => {
    const firing = await waitFor(rules.ratio, 'firing');
    expect(firing).toMatchObject({
      rule: { id: rules.ratio.id, name: 'filter too aggressive', kind: 'elimination_ratio' },
      state: 'firing',
      threshold: 0.5,
      project: stack.projectId,
      window: { seconds: 3600 },
    });
    expect(firing.value).toBeCloseTo(0.9, 10);
    expect(Date.parse(firing.window.to) - Date.parse(firing.window.from)).toBe(3_600_000);
    expect(firing.details).toEqual([{ steps: 1, input: 100, eliminated: 90 }]);

    const reason = await waitFor(rules.reason, 'firing');
    expect(reason.value).toBeCloseTo(0.9, 10);
    expect(reason.details[0]).toMatchObject({
      reason: 'missing_keyword',
      byCode: true,
      current: { decisions: 100, matching: 90 },
    });

    const items = await waitFor(rules.items, 'firing');
    expect(items).toMatchObject({ state: 'firing', value: 1, threshold: 0, window: { seconds: 20 } });
    expect(items.details.map((d) => [d.itemId, d.reason])).toEqual([['bad-5', 'Missing required keywords']]);

    // The conditions hold for several more intervals: still one notification each.
    await new Promise((r) => setTimeout(r, 1500));
    for (const rule of [rules.ratio, rules.reason, rules.items])
      expect([rule.name, notifications(rule).length]).toEqual([rule.name, 1]);
    const { body: state } = await api<Rule>('GET', `/v1/alerts/rules/${rules.ratio.id}`);
    expect(state.state).toMatchObject({
      status: 'firing',
      since: firing.at,
      notifications: { sent: 1, failed: 0, lastError: null },
    });
    expect(state.state!.lastValue).toBeCloseTo(0.9, 10);
    expect(Date.parse(state.state!.lastEvaluatedAt!)).toBeGreaterThan(Date.parse(firing.at));

    // A healthy run: 90 eliminated of 1,100 in the window, and the reason's share drops with it.
    await sendRun('good', 1000, 0);
    const resolved = await waitFor(rules.ratio, 'resolved');
    expect(resolved).toMatchObject({ state: 'resolved', threshold: 0.5, project: stack.projectId });
    expect(resolved.value).toBeCloseTo(90 / 1100, 10);
    expect((await waitFor(rules.reason, 'resolved')).value).toBeCloseTo(90 / 1100, 10);
    const itemsResolved = await waitFor(rules.items, 'resolved');
    expect([itemsResolved.value, itemsResolved.details]).toEqual([0, []]);
    for (const rule of [rules.ratio, rules.reason, rules.items])
      expect(notifications(rule).map((n) => n.state)).toEqual(['firing', 'resolved']);

    const { body } = await api<{ events: { ruleId: string; state: string }[] }>('GET', '/v1/alerts/events?limit=100');
    expect(body.events.filter((e) => e.ruleId === rules.ratio.id).map((e) => e.state)).toEqual(['resolved', 'firing']);
  });

  it('count notifications a webhook did not take, in the rule state', async () => {
    const state = await eventually(
      async () => {
        const { body } = await api<Rule>('GET', `/v1/alerts/rules/${rules.unreachable.id}`);
        return body.state!.notifications.failed > 0 ? body.state! : undefined;
      },
      30_000,
      'a failed delivery to be counted'
    );
    expect(state.notifications.sent).toBe(0);
    expect(state.notifications.lastError).toMatch(/^webhook unreachable/);
  });

  it('lists, shows and deletes rules; unknown ids answer 404 and bad fields 400 with a sentence', async () => {
    const { status, body } = await api<{ rules: Rule[] }>('GET', '/v1/alerts/rules');
    expect(status).toBe(200);
    expect(body.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining([rules.ratio.id, rules.reason.id, rules.items.id])
    );

    const valid = {
      kind: 'elimination_ratio',
      pipeline: 'p',
      step: 's',
      condition: 'below',
      threshold: 0.1,
      windowSeconds: 60,
      webhook: hookUrl,
    };
    const bad: [unknown, string][] = [
      ['{not json', 'the body must be a JSON object describing the rule (it is not valid JSON)'],
      [{ ...valid, threshold: 2 }, 'threshold must be a number from 0 to 1 (a ratio or share); got 2'],
      [{ ...valid, webhook: 'file:///etc/passwd' }, 'webhook must use http or https; got file'],
      [{ ...valid, kind: 'nope' }, 'kind must be one of elimination_ratio, reason_share, item_eliminated; got "nope"'],
      [{ ...valid, windowSeconds: -1 }, 'windowSeconds must be an integer from 1 to 2592000 (30 days); got -1'],
    ];
    for (const [payload, message] of bad) {
      const res = await api<ErrorResponse>('POST', '/v1/alerts/rules', payload);
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'invalid_parameter', message]);
    }
    expect((await api<ErrorResponse>('GET', '/v1/alerts/rules/not-an-id')).status).toBe(400);
    expect((await api<ErrorResponse>('GET', '/v1/alerts/events?limit=0')).status).toBe(400);
    expect((await api<ErrorResponse>('GET', `/v1/alerts/rules/${'0'.repeat(16)}`)).body.error.code).toBe('not_found');

    const created = await api<Rule>('POST', '/v1/alerts/rules', valid);
    expect(created.status).toBe(201);
    expect((await api('DELETE', `/v1/alerts/rules/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', `/v1/alerts/rules/${created.body.id}`)).status).toBe(404);
    expect((await api('DELETE', `/v1/alerts/rules/${created.body.id}`)).status).toBe(404);
  });

  it("are invisible to another project's read key", async () => {
    const list = await api<{ rules: Rule[] }>('GET', '/v1/alerts/rules', undefined, other.readKey);
    expect([list.status, list.body.rules]).toEqual([200, []]);
    for (const method of ['GET', 'DELETE']) {
      const res = await api<ErrorResponse>(method, `/v1/alerts/rules/${rules.ratio.id}`, undefined, other.readKey);
      expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'not_found']);
    }
    expect(
      (await api<{ events: unknown[] }>('GET', '/v1/alerts/events', undefined, other.readKey)).body.events
    ).toEqual([]);
    expect((await api('GET', `/v1/alerts/rules/${rules.ratio.id}`)).status).toBe(200);
  });
});

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { RowReader } from '../store.js';
import type { AlertNotification, Notify } from './notify.js';
import { startAlertScheduler } from './scheduler.js';
import { type AlertStore, redisAlertStore } from './store.js';

// Two replicas' schedulers on the real Redis. ClickHouse is stood in for by a RowReader answering
// the value the test sets (what is tested here is the coordination, not the SQL: see evaluate.test.ts).
const prefix = `test:alerts-${randomBytes(4).toString('hex')}`;
let store: AlertStore;
let redis: Redis;
let eliminated = 90;
const rows: RowReader = { rows: () => Promise.resolve([{ eliminated, input: 100, steps: 1 }]) };
const sent: AlertNotification[] = [];
const notify: Notify = (_url, n) => {
  sent.push(n);
  return Promise.resolve(n.state === 'resolved' ? 'webhook answered HTTP 500' : undefined);
};

beforeAll(() => {
  store = redisAlertStore(inject('redisUrl'), prefix);
  redis = new Redis(inject('redisUrl'));
});

afterAll(async () => {
  await store.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('the alert scheduler', () => {
  it('evaluates a rule on one replica per interval and notifies each transition once', async () => {
    const rule = (await store.createRule('p', {
      kind: 'elimination_ratio',
      pipeline: 's',
      step: 'f',
      condition: 'above',
      threshold: 0.5,
      windowSeconds: 60,
      webhook: 'http://127.0.0.1/',
      name: 'r',
    }))!;
    let clock = Date.parse('2026-11-26T08:00:00Z');
    const replicas = [1, 2].map(() =>
      startAlertScheduler({ store, rows, notify, intervalMillis: 60_000, now: () => clock })
    );
    try {
      await Promise.all(replicas.map((r) => r.tick()));
      await Promise.all(replicas.map((r) => r.tick()));
      await eventuallyTrue(async () => (await store.getState('p', rule.id)).notifications.sent === 1);
      expect(sent.map((n) => [n.state, n.value])).toEqual([['firing', 0.9]]);
      expect(await store.getState('p', rule.id)).toMatchObject({
        status: 'firing',
        since: '2026-11-26T08:00:00.000Z',
        lastValue: 0.9,
      });

      // Still firing in the next interval: evaluated again, not notified again.
      expect(await redis.del(`${prefix}:lock:p:${rule.id}`)).toBe(1);
      clock += 60_000;
      await replicas[1]!.tick();
      expect((await store.getState('p', rule.id)).lastEvaluatedAt).toBe('2026-11-26T08:01:00.000Z');
      expect(sent).toHaveLength(1);

      await redis.del(`${prefix}:lock:p:${rule.id}`);
      clock += 60_000;
      eliminated = 10;
      await replicas[0]!.tick();
      await eventuallyTrue(async () => (await store.getState('p', rule.id)).notifications.failed === 1);
      expect(sent.map((n) => n.state)).toEqual(['firing', 'resolved']);
      const state = await store.getState('p', rule.id);
      expect(state).toMatchObject({
        status: 'ok',
        since: '2026-11-26T08:02:00.000Z',
        notifications: { sent: 1, failed: 1, lastError: 'webhook answered HTTP 500' },
      });
      expect((await store.listEvents('p', 10)).map((e) => e.state)).toEqual(['resolved', 'firing']);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

describe('the alert scheduler of another deployment on the same Redis', () => {
  it('leaves alone the rules of projects its key store does not know', async () => {
    const rule = (await store.createRule('elsewhere', {
      kind: 'item_eliminated',
      items: ['x'],
      threshold: 0,
      windowSeconds: 60,
      webhook: 'http://127.0.0.1/',
      name: 'r',
    }))!;
    const scheduler = startAlertScheduler({
      store,
      rows,
      notify,
      intervalMillis: 60_000,
      knowsProject: (p) => Promise.resolve(p !== 'elsewhere'),
    });
    await scheduler.tick();
    await scheduler.stop();
    expect((await store.getState('elsewhere', rule.id)).lastEvaluatedAt).toBeNull();
    expect(await redis.exists(`${prefix}:lock:elsewhere:${rule.id}`)).toBe(0);
  });
});

async function eventuallyTrue(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met within 2 s');
}

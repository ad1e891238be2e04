import { openKeyStore, type ProjectKeys, provisionProject, revokeKey } from '@xray/auth';
import type { DecisionListResponse, ErrorResponse, RunListResponse, StepListResponse } from '@xray/core/api';
import { createClient } from '@clickhouse/client';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Two projects on one deployment: the project comes from the key, on every row, S3 key and query.
let stack: TestStack;
let a: ProjectKeys;
let b: ProjectKeys;
const runs: Record<'a' | 'b', string> = { a: '', b: '' };

async function send(keys: ProjectKeys, pipeline: string): Promise<string> {
  const xray = new XRay({ endpoint: `${stack.receiverUrl}/v1/traces`, apiKey: keys.ingestKey, capture: 'full' });
  const items = Array.from({ length: 50 }, (_, i) => ({ id: `shared-item-${i}` }));
  const runId = await xray.startRun(pipeline, items);
  const out = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) =>
      input.map((x, i) => ({
        itemId: x.id,
        outcome: i % 5 === 0 ? ELIMINATED : KEPT,
        reason: `${pipeline} rule`,
        input: x,
      })),
    items
  );
  await xray.endRun(
    runId,
    out.filter((d) => d.outcome === KEPT)
  );
  await xray.shutdown();
  expect(xray.stats().exportFailures).toBe(0);
  return runId;
}

async function api<T>(
  keys: ProjectKeys | string | undefined,
  path: string
): Promise<{ status: number; body: T; headers: Headers }> {
  const key = typeof keys === 'string' ? keys : keys?.readKey;
  const res = await fetch(`${stack.queryUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

async function stepsOf(keys: ProjectKeys, runId: string) {
  return eventually(async () => {
    const { body } = await api<StepListResponse>(keys, `/v1/runs/${runId}/steps`);
    return body.steps?.length === 1 ? body.steps : undefined;
  });
}

beforeAll(async () => {
  // Revocation is seen on the next request: no key cache in this stack.
  stack = await startTestStack('tenancy', { XRAY_AUTH_CACHE_MS: '0' });
  a = stack.keys;
  const store = openKeyStore(stack.authStore, stack.redisUrl);
  b = await provisionProject(store, `${a.projectId}-b`).finally(() => store.close());
  runs.a = await send(a, 'pipeline-a');
  runs.b = await send(b, 'pipeline-b');
  await stepsOf(a, runs.a);
  await stepsOf(b, runs.b);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('tenant isolation', () => {
  it("lists only the key's own project's runs", async () => {
    for (const [keys, own, other] of [
      [a, runs.a, runs.b],
      [b, runs.b, runs.a],
    ] as const) {
      const { status, body } = await api<RunListResponse>(keys, '/v1/runs');
      expect(status).toBe(200);
      expect(body.runs.map((r) => r.runId)).toEqual([own]);
      expect(body.runs.map((r) => r.runId)).not.toContain(other);
    }
  });

  it("answers 404 for the other project's run, steps, decisions and payloads", async () => {
    const [stepB] = await stepsOf(b, runs.b);
    const { body: decisionsB } = await api<DecisionListResponse>(b, `/v1/steps/${stepB!.stepId}/decisions?limit=5`);
    const eventB = decisionsB.decisions[0]!.eventId;
    expect((await api(b, `/v1/decisions/${eventB}`)).status).toBe(200);
    for (const path of [
      `/v1/runs/${runs.b}`,
      `/v1/runs/${runs.b}/steps`,
      `/v1/steps/${stepB!.stepId}/decisions`,
      `/v1/decisions/${eventB}`,
    ]) {
      const res = await api<ErrorResponse>(a, path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'not_found']);
    }
  });

  it('stores every row under the project of the key that sent it, and every payload under its prefix', async () => {
    const ch = createClient({ url: stack.clickhouseUrl, database: stack.database });
    try {
      for (const table of ['runs', 'steps', 'decision_events']) {
        const rows = await (
          await ch.query({
            query: `SELECT run_id, project_id, payload_key FROM {t:Identifier} FINAL`,
            query_params: { t: table },
            format: 'JSONEachRow',
          })
        ).json<{
          run_id: string;
          project_id: string;
          payload_key: string;
        }>();
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          const expected = row.run_id === runs.a ? a.projectId : b.projectId;
          expect([table, row.project_id]).toEqual([table, expected]);
          expect(row.payload_key.startsWith(`${expected}/payloads/`)).toBe(true);
        }
      }
    } finally {
      await ch.close();
    }
    // The bucket itself: each project's prefix holds only its own run's objects, and the values it
    // stored by content (`sha256/`), which name no run.
    for (const [keys, own, other] of [
      [a, runs.a, runs.b],
      [b, runs.b, runs.a],
    ] as const) {
      const listing = await (
        await fetch(`${stack.s3Endpoint}/${stack.bucket}?prefix=${encodeURIComponent(`${keys.projectId}/`)}`)
      ).text();
      const objectKeys = [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
      expect(objectKeys.length).toBeGreaterThan(0);
      expect(objectKeys.filter((k) => !k.includes(`/${own}/`) && !k.includes('/sha256/'))).toEqual([]);
      expect(objectKeys.filter((k) => k.includes(other))).toEqual([]);
      expect(objectKeys.some((k) => k.includes(`/${own}/`))).toBe(true);
    }
  });
});

describe('API keys on the query API and the receiver', () => {
  it('answers 401 without a key or with a wrong one, and 403 for a key of the wrong kind', async () => {
    const none = await api<ErrorResponse>(undefined, '/v1/runs');
    expect([none.status, none.body.error.code, none.headers.get('www-authenticate')]).toEqual([
      401,
      'unauthorized',
      'Bearer realm="xray"',
    ]);
    expect(none.body.error.message).toMatch(/Authorization/);
    const forged = `${a.readKey.slice(0, -4)}AAAA`;
    expect((await api(forged, '/v1/runs')).status).toBe(401);
    expect((await api('not-a-key', '/v1/runs')).status).toBe(401);
    const ingestOnQuery = await api<ErrorResponse>(a.ingestKey, '/v1/runs');
    expect([ingestOnQuery.status, ingestOnQuery.body.error.code]).toEqual([403, 'forbidden']);
    const readOnReceiver = await fetch(`${stack.receiverUrl}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.readKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(readOnReceiver.status).toBe(403);
    // Health, readiness and metrics stay open for probes and scrapers.
    expect((await fetch(`${stack.queryUrl}/healthz`)).status).toBe(200);
  });

  it('accepts Basic authentication with the key as password', async () => {
    const basic = Buffer.from(`xray:${a.readKey}`).toString('base64');
    const res = await fetch(`${stack.queryUrl}/v1/runs`, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
  });

  it('stops accepting a revoked key', async () => {
    const store = openKeyStore(stack.authStore, stack.redisUrl);
    const c = await provisionProject(store, `${a.projectId}-c`);
    expect((await api(c, '/v1/runs')).status).toBe(200);
    await revokeKey(store, c.readKey);
    await store.close();
    const res = await api<ErrorResponse>(c, '/v1/runs');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });
});

// Authentication and rate limits of POST /v1/traces, in-process against the real Redis queue and a
// real file key store.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, redisKeyStore } from '@xray/auth';
import { createApp } from './app.js';
import { createRedisSpanQueue, type RedisSpanQueue } from './queue.js';
import { createRateLimiter } from './rate-limit.js';
import { type TestTenant, testTenant } from './tenant.fixture.js';

const stream = `test:recv-auth:${randomUUID()}`;
const JSON_TYPE = { 'content-type': 'application/json' };
let queue: RedisSpanQueue;
let tenant: TestTenant;
let neighbour: TestTenant;

/** An export of `n` X-Ray run spans, as JSON. */
function exportOf(n: number): string {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: randomUUID().replace(/-/g, ''),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    startTimeUnixNano: '1700000000000000000',
    attributes: [{ key: 'xray.span.kind', value: { stringValue: 'run' } }],
  }));
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

async function streamLength(): Promise<number> {
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    return await redis.xlen(stream);
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  queue = createRedisSpanQueue({ url: 'redis://127.0.0.1:6379', stream });
  await queue.waitUntilReady(5000);
  // Limits of 2 spans/s with a burst of 2 s: 4 spans, then 1 request per 1.5 s of 3 spans.
  tenant = await testTenant('limited', { keyLimits: { spansPerSecond: 2 } });
  neighbour = await testTenant('steady');
});

afterAll(async () => {
  await Promise.all([tenant?.close(), neighbour?.close()]);
  const redis = new Redis('redis://127.0.0.1:6379');
  await redis.del(stream);
  redis.disconnect();
  await queue?.close();
});

// That an exporter uploading an export-sized body reads its 401 (not a broken pipe) needs the receiver
// in a process of its own: the reliability suite's `auth` test checks it (in-process it always passes).
describe('authentication', () => {
  it('answers 401 before reading a byte of the body, in the request encoding', async () => {
    const { app } = createApp({ queue, ...tenant.deps, maxBodyBytes: 1 << 20 });
    let pulls = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const before = await streamLength();
    const res = await app.request('/v1/traces', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf' },
      duplex: 'half',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="xray"');
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    // A google.rpc.Status message: its text is readable in the protobuf bytes.
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toMatch(/ingest key/);
    expect(pulls).toBeLessThanOrEqual(1); // a stream is asked for its first chunk when created, never read
    expect(await streamLength()).toBe(before);
  });

  it('refuses wrong keys and read keys, accepts the ingest key as Bearer or Basic', async () => {
    const { app } = createApp({ queue, ...neighbour.deps, maxBodyBytes: 1 << 20 });
    const post = (authorization?: string) =>
      app.request('/v1/traces', {
        method: 'POST',
        body: exportOf(1),
        headers: { ...JSON_TYPE, ...(authorization && { authorization }) },
      });
    expect((await post(`Bearer ${neighbour.keys.ingestKey.slice(0, -2)}xx`)).status).toBe(401);
    const read = await post(`Bearer ${neighbour.keys.readKey}`);
    expect(read.status).toBe(403);
    expect(((await read.json()) as { message: string }).message).toMatch(/read key/);
    expect((await post(`Bearer ${neighbour.keys.ingestKey}`)).status).toBe(200);
    expect((await post(`Basic ${Buffer.from(`otel:${neighbour.keys.ingestKey}`).toString('base64')}`)).status).toBe(
      200
    );
  });

  it('answers 503 with Retry-After when keys cannot be checked', async () => {
    const store = redisKeyStore('redis://127.0.0.1:1', 'nowhere');
    const { app } = createApp({
      queue,
      authenticate: createAuthenticator(store, { kind: 'ingest' }),
      rateLimiter: neighbour.deps.rateLimiter,
      maxBodyBytes: 1024,
    });
    const res = await app.request('/v1/traces', {
      method: 'POST',
      body: exportOf(1),
      headers: { ...JSON_TYPE, authorization: `Bearer ${neighbour.keys.ingestKey}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    await store.close();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After to a key past its quota, and not to its neighbour', async () => {
    const rateLimiter = createRateLimiter({ defaults: { spansPerSecond: 0, bytesPerSecond: 0 } });
    const { app, stats } = createApp({
      queue,
      authenticate: tenant.deps.authenticate,
      rateLimiter,
      maxBodyBytes: 1 << 20,
    });
    const neighbourApp = createApp({
      queue,
      authenticate: neighbour.deps.authenticate,
      rateLimiter,
      maxBodyBytes: 1 << 20,
    }).app;
    const post = (target: typeof app, who: TestTenant) =>
      target.request('/v1/traces', { method: 'POST', body: exportOf(3), headers: { ...JSON_TYPE, ...who.auth } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await post(app, tenant);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
      expect((await post(neighbourApp, neighbour)).status).toBe(200);
    }
    // 4 spans of burst: the first request (3) is admitted, the second (3 more) pushes the key into debt, then 429s.
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(stats.acceptedSpans).toBe(6);
  });
});

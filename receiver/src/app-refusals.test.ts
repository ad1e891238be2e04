// The receiver app in-process: what it refuses (encoding, size, method, Redis down) and its ops endpoints.

import { gzipSync } from 'node:zlib';

import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

import { createRedisSpanQueue } from './queue.js';

import {
  JSON_TYPE,
  jsonBody,
  openReceiverHarness,
  PROTOBUF,
  protobufBody,
  type ReceiverHarness,
  withBadStep,
} from './app.fixture.js';

let h: ReceiverHarness;

beforeAll(async () => {
  h = await openReceiverHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('POST /v1/traces refusals', () => {
  it('answers 415 for an unsupported content encoding, in the request content type', async () => {
    const res = await h.post(jsonBody, { ...JSON_TYPE, 'content-encoding': 'br' });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ code: 3, message: 'Unsupported content encoding "br"; send gzip or identity.' });
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    expect((await h.post(big, PROTOBUF)).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    const res = await h.receiver.app.request('/v1/traces', {
      method: 'POST',
      body: endless,
      headers: { ...h.tenant.auth, ...JSON_TYPE },
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(pulled).toBeLessThan(10); // reading stopped near the limit
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/exceeds 65536 bytes/) });
  });

  it('answers 413 for a small gzip body that inflates past the limit', async () => {
    const bomb = gzipSync(new Uint8Array(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await h.post(bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(await h.newEntries()).toEqual([]);
  });

  it.each([
    ['protobuf garbage', Uint8Array.from([0x0a, 0xff, 0xff, 0x01]), PROTOBUF, {}],
    ['JSON garbage', '{"resourceSpans": [', JSON_TYPE, {}],
    ['a broken gzip stream', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), PROTOBUF, { 'content-encoding': 'gzip' }],
  ])('answers 400 for %s', async (_, body, type, extra) => {
    const res = await h.post(body, { ...type, ...extra });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(type['content-type'].split(';')[0]);
    expect(await h.newEntries()).toEqual([]);
  });

  it('answers 405 with Allow for other methods', async () => {
    const res = await h.receiver.app.request('/v1/traces', { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers 503 with Retry-After within a second when Redis is unreachable', async () => {
    const down = createRedisSpanQueue({ url: 'redis://127.0.0.1:1', stream: h.stream });
    try {
      const { app, stats } = createApp({ queue: down, ...h.tenant.deps, maxBodyBytes: 1 << 20 });
      const started = performance.now();
      const res = await h.post(protobufBody, PROTOBUF, app);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const status = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(status)).toMatch(/span queue is unavailable/);
      expect(stats).toMatchObject({ acceptedSpans: 0, requests: { 503: 1 } });
    } finally {
      await down.close();
    }
  });

  it('counts answers by status and spans by fate', async () => {
    const { app, stats } = createApp({ queue: h.queue, ...h.tenant.deps, maxBodyBytes: 1 << 20 });
    await h.post(protobufBody, PROTOBUF, app);
    await h.post(ProtobufTraceSerializer.serializeRequest(withBadStep())!, PROTOBUF, app);
    await h.post('{', JSON_TYPE, app);
    await app.request('/v1/traces', { method: 'PUT' });
    expect(stats).toEqual({
      acceptedSpans: 3,
      rejectedSpans: 1,
      ignoredSpans: 2,
      requests: { 200: 2, 400: 1, 405: 1 },
    });
    await h.newEntries();
  });
});

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const res = await h.receiver.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz and /metrics', () => {
  it('is ready while Redis answers, and 503 when it does not', async () => {
    expect((await h.receiver.app.request('/readyz')).status).toBe(200);
    const down = createRedisSpanQueue({ url: 'redis://127.0.0.1:1', stream: h.stream });
    try {
      const res = await createApp({ queue: down, ...h.tenant.deps, maxBodyBytes: 1024 }).app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ redis: 'unreachable' });
    } finally {
      await down.close();
    }
  });

  it('exposes requests by status and spans by fate in Prometheus format', async () => {
    const { app } = createApp({ queue: h.queue, ...h.tenant.deps, maxBodyBytes: 1 << 20 });
    await h.post(protobufBody, PROTOBUF, app);
    await h.post('garbage', JSON_TYPE, app);
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('xray_receiver_requests_total{status="200"} 1');
    expect(text).toContain('xray_receiver_requests_total{status="400"} 1');
    expect(text).toMatch(/xray_receiver_spans_accepted_total [1-9]/);
    expect(text).toMatch(/xray_receiver_spans_ignored_total [1-9]/);
    expect(text).toMatch(/\nprocess_cpu_seconds_total \d/); // throughput per CPU-second needs it
  });
});

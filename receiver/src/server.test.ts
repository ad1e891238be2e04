import { ATTR_XRAY_SPAN_KIND, SpanKinds } from '@xray/otel';
// The app behind a real @hono/node-server listener: bodies arrive as Node streams, not in memory.
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { type TestTenant, testTenant } from './tenant.fixture.js';
import { createRedisSpanQueue, type RedisSpanQueue } from './queue.js';

const stream = `test:recv:${randomUUID()}`;
const LIMIT = 256 * 1024;
let queue: RedisSpanQueue;
let server: ServerType;
let url: string;
let tenant: TestTenant;

beforeAll(async () => {
  queue = createRedisSpanQueue({ url: 'redis://127.0.0.1:6379', stream });
  await queue.waitUntilReady(5000);
  tenant = await testTenant('p');
  const { app } = createApp({ queue, ...tenant.deps, maxBodyBytes: LIMIT });
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await tenant?.close();
  await new Promise((resolve) => server.close(resolve));
  const redis = new Redis('redis://127.0.0.1:6379');
  await redis.del(stream);
  await Promise.all([redis.quit(), queue.close()]);
});

const KIND = { key: ATTR_XRAY_SPAN_KIND, value: { stringValue: SpanKinds.RUN } };
const body = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'ab'.repeat(16),
              spanId: 'cd'.repeat(8),
              startTimeUnixNano: '1700000000000000000',
              attributes: [KIND],
            },
          ],
        },
      ],
    },
  ],
});

describe('the receiver over HTTP', () => {
  it('accepts an export and answers in its content type', async () => {
    const res = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      body,
      headers: { ...tenant.auth, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{}');
  });

  it('answers 413 to a chunked body that never ends, without reading it all', async () => {
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = httpRequest(`${url}/v1/traces`, {
        method: 'POST',
        headers: { ...tenant.auth, 'content-type': 'application/x-protobuf' },
      });
      const chunk = Buffer.alloc(16 * 1024);
      const pump = () => {
        while (sent < 100 * LIMIT && req.write(chunk)) sent += chunk.length;
      };
      req.on('drain', pump);
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
      req.on('error', reject);
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(100 * LIMIT);
  });

  it('refuses a chunked upload without a key without reading on: the answer closes the connection', async () => {
    const { status, connection, closed } = await new Promise<{ status: number; connection?: string; closed: boolean }>(
      (resolve) => {
        const req = httpRequest(`${url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
        });
        let answer: { status: number; connection?: string } = { status: 0 };
        // The client keeps its end open: only the server can close the connection.
        const timer = setTimeout(() => resolve({ ...answer, closed: false }), 5000);
        req.on('socket', (socket) =>
          socket.on('close', () => {
            clearTimeout(timer);
            resolve({ ...answer, closed: true });
          })
        );
        req.on('response', (res) => {
          answer = { status: res.statusCode ?? 0, connection: res.headers.connection };
          res.resume();
        });
        req.on('error', () => undefined);
        req.write(Buffer.alloc(256 * 1024));
      }
    );
    expect([status, connection, closed]).toEqual([401, 'close', true]);
  });

  it('answers 401, not a reset, to chunked exports with a wrong key, as OTLP exporters send them', async () => {
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        await new Promise<number | string>((resolve) => {
          const req = httpRequest(`${url}/v1/traces`, {
            method: 'POST',
            headers: { authorization: 'Bearer xri_wrong_key', 'content-type': 'application/json' },
          });
          req.on('response', (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
          // Written in parts without a length, so chunked, as the OTLP exporter pipes its body.
          req.write(Buffer.alloc(200 * 1024, 0x20)); // whitespace, before the JSON
          req.end(body);
        })
      );
    }
    expect(statuses).toEqual(Array(10).fill(401));
  });

  it('answers a wrong key on a declared body within the limit and keeps the connection for the next export', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(`${url}/v1/traces`, {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const refused = await send({ authorization: 'Bearer xri_wrong_key' });
      const accepted = await send(tenant.auth);
      expect([refused.status, accepted.status]).toEqual([401, 200]);
      expect(accepted.socket).toBe(refused.socket);
    } finally {
      agent.destroy();
    }
  });
});

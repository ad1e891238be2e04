/**
 * What Schemathesis found fuzzing the query API against its own /openapi.json (the reliability
 * suite's `api-fuzz`), each kept as a regression test.
 */
import type { AddressInfo } from 'node:net';
import type { DecisionListResponse, ErrorResponse } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.js';
import { openRouteStack, type RouteStack, type WrittenRun } from './routes/routes.fixture.js';
import { MAX_REQUEST_HEAD_BYTES, serveQuery } from './server.js';

let stack: RouteStack;
let run: WrittenRun;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  stack = await openRouteStack('fuzzfind');
  const written = await stack.write([
    { pipeline: 'search', steps: [{ name: 'filter', decisions: [['doc-1', 'kept', 'ok']] }] },
  ]);
  run = written[0]!;
  // The app in process behind the query API's own HTTP server, as main.ts serves it.
  const { server, port } = await serveQuery(
    { fetch: (req) => stack.raw(req.url.slice(req.url.indexOf('/', 8)), { method: req.method, headers: req.headers }) },
    0,
    '127.0.0.1'
  );
  url = `http://127.0.0.1:${(server.address() as AddressInfo | null)?.port ?? port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  await stack.close();
});

describe('found by fuzzing the query API', () => {
  it('answers the longest reason filter the contract allows (was: 431 and a reset connection, then a 500 from ClickHouse)', async () => {
    // 16,384 characters of 3 UTF-8 bytes: 147 KiB percent-encoded, past Node's 16 KiB default twice over.
    const reason = encodeURIComponent('€'.repeat(16_384));
    const res = await fetch(`${url}/v1/steps/${run!.stepIds[0]}/decisions?reason=${reason}`, {
      headers: { authorization: `Bearer ${stack.keys[stack.projects[0]!]}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as DecisionListResponse).decisions).toEqual([]);
  });

  it('answers a request past its head limit 431 with the error shape, as documented', async () => {
    const res = await fetch(`${url}/v1/runs?pipeline=${'x'.repeat(MAX_REQUEST_HEAD_BYTES + 1)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as ErrorResponse).error.code).toBe('request_too_large');
    const paths = openApiDocument().paths as Record<string, Record<string, { responses: object }>>;
    for (const op of Object.values(paths).flatMap((methods) => Object.values(methods)))
      expect(op.responses).toHaveProperty(['431']);
  });

  it('answers a method a path does not take 405 with Allow (was: 404)', async () => {
    const res = await stack.request<ErrorResponse>('/v1/project', { method: 'PATCH' });
    expect([res.status, res.body.error.code]).toEqual([405, 'method_not_allowed']);
    const raw = await stack.raw(`/v1/runs/${run!.runId}`, { method: 'PUT' });
    expect([raw.status, raw.headers.get('allow')]).toEqual([405, 'DELETE, GET, HEAD']);
    expect((await stack.request('/v1/no-such-route', { method: 'PATCH' })).status).toBe(404);
  });

  it('answers a decision id the documented pattern allows but no decision can have 404 (was: 400)', async () => {
    const res = await stack.get<ErrorResponse>(`/v1/decisions/${run!.stepIds[0]}-9999999999`);
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    expect((await stack.get(`/v1/decisions/${run!.stepIds[0]}-99999999999`)).status).toBe(400);
  });

  it('answers a time past the end of DateTime64(9) as the last one it holds (was: 500, "decimal overflow")', async () => {
    for (const path of [
      '/v1/runs?from=6400-02-29',
      '/v1/pipelines?from=9200-02-29T22:45:13.4119&to=52853',
      '/v1/trends?from=2262-04-10&to=6788-02-29&interval=1d',
      '/v1/items/doc-1/runs?to=9999999999999',
    ])
      expect((await stack.get(path)).status, path).toBe(200);
  });

  it('publishes patterns without a flag suffix (was: zod wrote /u after a flagged regex, and every stored rule broke its schema)', () => {
    const patterns = [...JSON.stringify(openApiDocument()).matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map(
      (m) => JSON.parse(m[1]!) as string
    );
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) {
      expect(pattern, pattern).not.toMatch(/\/[a-z]+$/);
      expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
    }
  });
});

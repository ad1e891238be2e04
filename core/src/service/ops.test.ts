import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createOpsApp } from './ops.js';

describe('createOpsApp', () => {
  it('answers /healthz ok by default, and 503 with details when the service says it is failing', async () => {
    const alive = createOpsApp();
    expect(await (await alive.request('/healthz')).json()).toEqual({ status: 'ok' });
    const failing = createOpsApp({ health: () => ({ ok: false, details: { consumer: 'c1' } }) });
    const res = await failing.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'failing', consumer: 'c1' });
  });

  it('is ready only when every check answers, naming what does not', async () => {
    const app = createOpsApp({
      checks: { redis: async () => true, clickhouse: () => Promise.reject(new Error('down')), s3: async () => false },
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      redis: 'ok',
      clickhouse: 'unreachable',
      s3: 'unreachable',
    });
    expect((await createOpsApp({ checks: { redis: async () => true } }).request('/readyz')).status).toBe(200);
  });

  it('serves the process families and the service own in Prometheus text', async () => {
    const app = createOpsApp({
      metrics: async () => [{ name: 'xray_test_total', help: 'Tests.', type: 'counter', samples: [{ value: 3 }] }],
    });
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP process_cpu_seconds_total /);
    expect(text).toContain('\nprocess_resident_memory_bytes ');
    expect(text).toContain('\nxray_test_total 3\n');
  });

  it('mounts beside a service own routes', async () => {
    const app = new Hono();
    app.get('/v1/x', (c) => c.text('x'));
    app.route('/', createOpsApp());
    expect((await app.request('/healthz')).status).toBe(200);
    expect(await (await app.request('/v1/x')).text()).toBe('x');
  });
});

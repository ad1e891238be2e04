import { describe, expect, it } from 'vitest';
import { createProcessorOps } from './ops.js';
import { emptyStats } from './stats.js';

// The processor's endpoints in process, over a fake queue: what an orchestrator and a scraper see.
function ops(backlog = () => Promise.resolve({ length: 5, pending: 2, lag: 3, oldestAgeMillis: 1500 })) {
  const stats = emptyStats();
  const app = createProcessorOps({
    consumer: 'processor-1',
    stream: 'xray:spans',
    stats,
    queue: { backlog },
    checks: { redis: async () => true, clickhouse: async () => false },
  });
  return { app, stats };
}

describe('processor endpoints', () => {
  it('is alive until three writes in a row have failed, naming its consumer', async () => {
    const { app, stats } = ops();
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok', consumer: 'processor-1' });
    stats.consecutiveFailures = 3;
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'failing', consumer: 'processor-1' });
    expect(await (await app.request('/stats')).json()).toMatchObject({ status: 'failing', consecutiveFailures: 3 });
  });

  it('is not ready while a dependency is unreachable', async () => {
    const res = await ops().app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', redis: 'ok', clickhouse: 'unreachable' });
  });

  it('serves its counters and the queue backlog as Prometheus metrics, and leaves the backlog out when Redis is down', async () => {
    const { app, stats } = ops();
    stats.decisions = 42;
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('xray_processor_decisions_total{consumer="processor-1"} 42\n');
    expect(text).toContain('xray_processor_queue_pending{stream="xray:spans"} 2\n');
    expect(text).toContain('xray_processor_lag_seconds{stream="xray:spans"} 1.5\n');
    const down = await (await ops(() => Promise.reject(new Error('down'))).app.request('/metrics')).text();
    expect(down).toContain('xray_processor_entries_total');
    expect(down).not.toContain('xray_processor_queue_pending');
  });

  it('answers other paths with a JSON 404 naming the endpoints', async () => {
    const res = await ops().app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'Try /healthz, /readyz, /metrics or /stats.' },
    });
  });
});

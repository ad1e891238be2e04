/**
 * The operations endpoints every service serves beside its own routes, as one Hono sub-app that the
 * service mounts with `app.route('/', createOpsApp(...))`:
 * - `GET /healthz`: the process is alive and working (200 `{"status":"ok"}`; 503 `"failing"`),
 * - `GET /readyz`: every dependency answers (200, or 503 naming what is unreachable),
 * - `GET /metrics`: Prometheus text, the process families and the service's own.
 */
import { Hono } from 'hono';
import { PROMETHEUS_CONTENT_TYPE, processMetrics, readiness, renderMetrics, type MetricFamily } from './metrics.js';

export interface OpsOptions {
  /** Liveness (default: alive). `details` join the answer, e.g. the processor's consumer name. */
  health?: () => { ok: boolean; details?: Record<string, unknown> };
  /** Reachability checks for `/readyz`, e.g. `{ redis, clickhouse, s3 }`; one that throws counts as unreachable. */
  checks?: Record<string, () => Promise<boolean>>;
  /** The service's own metric families; the process families (CPU seconds, memory) come first. */
  metrics?: () => readonly MetricFamily[] | Promise<readonly MetricFamily[]>;
}

/** The `/healthz`, `/readyz` and `/metrics` sub-app; it opens nothing and reads no environment. */
export function createOpsApp(o: OpsOptions = {}): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => {
    const { ok, details } = o.health?.() ?? { ok: true };
    return c.json({ status: ok ? 'ok' : 'failing', ...details }, ok ? 200 : 503);
  });
  app.get('/readyz', async (c) => {
    const { ready, body } = await readiness(o.checks ?? {});
    return c.json(body, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const own = (await o.metrics?.()) ?? [];
    return c.body(renderMetrics([...processMetrics(), ...own]), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });
  return app;
}

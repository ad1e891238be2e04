#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { PROMETHEUS_CONTENT_TYPE, processMetrics, renderMetrics } from '@xray/core/service';
import { Hono } from 'hono';

// Baseline for the receiver benchmark: a Hono route on the same server library that reads each
// body in full and discards it. `PORT`.
const app = new Hono();
app.post('/v1/traces', async (c) => {
  await c.req.arrayBuffer();
  return c.body('{}', 200, { 'content-type': 'application/json' });
});
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/metrics', (c) => c.body(renderMetrics(processMetrics()), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));

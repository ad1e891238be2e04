#!/usr/bin/env node
import { createClient } from '@clickhouse/client';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { createAuthenticator, openKeyStore } from '@xray/auth';
import { s3ClientConfig } from '@xray/core/storage';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { clickhouseRows, s3Payloads } from './store.js';
import { webhookNotifier } from './alerts/notify.js';
import { startAlertScheduler } from './alerts/scheduler.js';
import { redisAlertStore } from './alerts/store.js';

// The only place that reads the environment and wires real clients.
const config = loadConfig();
const clickhouse = createClient(config.clickhouse);
const s3 = new S3Client(s3ClientConfig(config.s3));
const keys = openKeyStore(config.authStore, config.redisUrl);
const rows = clickhouseRows(clickhouse);
const log = (line: string) => process.stderr.write(`[query] ${line}\n`);
const alerts = redisAlertStore(config.redisUrl, config.alertsPrefix);
const scheduler = startAlertScheduler({
  store: alerts,
  rows,
  notify: webhookNotifier({ timeoutMillis: config.alertsWebhookTimeoutMillis }),
  intervalMillis: config.alertsIntervalMillis,
  knowsProject: async (project) => (await keys.getProject(project)) !== undefined,
  log,
});
const app = createApp({
  rows,
  alerts,
  payloads: s3Payloads(s3, config.s3.bucket),
  authenticate: createAuthenticator(keys, { kind: 'read', cacheMillis: config.authCacheMillis }),
  checks: {
    keys: () =>
      keys.getKey('000000000000').then(
        () => true,
        () => false
      ),
    clickhouse: async () => (await clickhouse.ping()).success,
    s3: () =>
      s3.send(new HeadBucketCommand({ Bucket: config.s3.bucket })).then(
        () => true,
        () => false
      ),
  },
  log,
});
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  process.stdout.write(`query API listening on http://${config.host}:${info.port}\n`);
});
const shutdown = () => {
  server.close(() => {
    void scheduler
      .stop()
      .then(() => Promise.allSettled([clickhouse.close(), keys.close(), alerts.close()]))
      .then(() => process.exit(0));
  });
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

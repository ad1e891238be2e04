#!/usr/bin/env node
/**
 * The query API process: the only place that reads the environment and wires real clients.
 * Stops cleanly on SIGTERM/SIGINT: no new requests, in-flight ones finish, then the alert
 * scheduler stops and the clients close.
 */
import { createClient } from '@clickhouse/client';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createAuthenticator, createRetentionLookup, openKeyStore } from '@xray/auth';
import { clickhouseSql, deleteRun, s3Objects } from '@xray/core/retention';
import { runService } from '@xray/core/service';
import { s3ClientConfig } from '@xray/core/storage';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { serveQuery } from './server.js';
import { clickhouseRows, s3Payloads } from './store.js';
import { webhookNotifier } from './alerts/notify.js';
import { startAlertScheduler } from './alerts/scheduler.js';
import { redisAlertStore } from './alerts/store.js';

await runService('query', async (logger) => {
  const config = loadConfig(process.env);
  const clickhouse = createClient(config.clickhouse);
  const s3 = new S3Client(s3ClientConfig(config.s3));
  const keys = openKeyStore(config.authStore, config.redisUrl);
  const rows = clickhouseRows(clickhouse);
  const { cluster, database } = config.clickhouse;
  const deleting = {
    sql: clickhouseSql(clickhouse),
    objects: s3Objects(s3, config.s3.bucket),
    ...(cluster === undefined ? {} : { cluster: { cluster, database } }),
  };
  const alerts = redisAlertStore(config.redisUrl, config.alertsPrefix);
  const scheduler = startAlertScheduler({
    store: alerts,
    rows,
    notify: webhookNotifier({ timeoutMillis: config.alertsWebhookTimeoutMillis }),
    intervalMillis: config.alertsIntervalMillis,
    knowsProject: async (project) => (await keys.getProject(project)) !== undefined,
    log: (line) => logger.warn(line),
  });
  const app = createApp({
    rows,
    alerts,
    payloads: s3Payloads(s3, config.s3.bucket),
    authenticate: createAuthenticator(keys, { kind: ['read', 'admin'], cacheMillis: config.authCacheMillis }),
    retention: createRetentionLookup(keys, config.retentionDays),
    deletions: { deleteRun: (projectId, runId) => deleteRun(deleting, projectId, runId) },
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
    logger,
  });
  const { server, port } = await serveQuery(app, config.port, config.host);
  logger.info(`listening on http://${config.host}:${port}`);

  return {
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler.stop();
      await Promise.allSettled([clickhouse.close(), keys.close(), alerts.close()]);
    },
  };
});

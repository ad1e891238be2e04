/**
 * The processor's wiring: real clients (Redis, ClickHouse, S3) around the loop, and its HTTP
 * endpoints. main.ts calls it with the settings it read from the environment; the reliability
 * suite's faulty processor calls it with a stage hook.
 */
import { serve, type ServerType } from '@hono/node-server';
import { S3Client } from '@aws-sdk/client-s3';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createRetentionLookup, openKeyStore } from '@xray/auth';
import { deadLetterStream } from '@xray/core/ingest';
import { clickhouseSql, s3Objects, setLifecycleRules } from '@xray/core/retention';
import { withFields, type Logger, type RunningService } from '@xray/core/service';
import { s3ClientConfig } from '@xray/core/storage';
import { Redis } from 'ioredis';
import { ClickHouseWriter } from './clickhouse.js';
import type { ProcessorConfig } from './config.js';
import { RedisDeadLetters } from './dead-letters.js';
import { Janitor } from './janitor.js';
import { createProcessorOps } from './ops.js';
import { Processor } from './processor.js';
import { PayloadWriter } from './s3.js';
import type { StageHook } from './stages.js';
import { GroupConsumer } from './stream.js';

export interface StartProcessorOptions {
  logger: Logger;
  /** See {@link StageHook}; production passes none. */
  onStage?: StageHook;
}

/**
 * Connects, applies pending migrations, creates the bucket and the consumer group, serves the
 * endpoints on `config.host:config.port` and starts consuming. Throws (naming the cause) if a
 * dependency does not answer or the port is taken. Rows are stamped with their project's retention
 * and the janitor (processor/src/janitor.ts) runs every XRAY_JANITOR_INTERVAL_MS. `stop()` stops
 * serving and the janitor, finishes and acknowledges the batch in flight, then closes the clients.
 */
export async function startProcessor(config: ProcessorConfig, o: StartProcessorOptions): Promise<RunningService> {
  const logger = withFields(o.logger, { consumer: config.consumer });
  // Every row is stamped with its project's retention (the key store's, or XRAY_RETENTION_DAYS).
  const keyStore = openKeyStore(config.authStore, config.redisUrl);
  const retention = createRetentionLookup(keyStore, config.retentionDays);
  const clickhouse = new ClickHouseWriter(config.clickhouse, (p) => retention(p).then((r) => r.days));
  const payloads = new PayloadWriter(config.s3);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  // Each outage logged once (ioredis would print every reconnect attempt, with a stack trace).
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) logger.warn(`redis unavailable: ${err.message}; reading again once it is back`);
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info('redis available again');
    redisDown = false;
  });
  const consumer = new GroupConsumer(redis, { stream: config.stream, group: config.group, consumer: config.consumer });
  await redis.connect();
  const applied = await clickhouse.migrate({ retentionDays: config.retentionDays });
  if (applied.length > 0) logger.info(`applied migrations ${applied.join(', ')}`);
  await payloads.ensureBucket();
  await consumer.ensureGroup();

  const processor = new Processor(
    consumer,
    { writePayloads: (b) => payloads.write(b), writeRows: (b) => clickhouse.write(b) },
    new RedisDeadLetters(redis, deadLetterStream(config.stream)),
    {
      batchEntries: config.batchEntries,
      blockMillis: config.blockMillis,
      claimIdleMillis: config.claimIdleMillis,
      maxAttempts: config.maxAttempts,
      logger,
      onStage: o.onStage,
    }
  );
  const janitorClients = {
    // Long statements (a project's rows rewritten to a new retention) get 10 minutes. Progress
    // headers, which the client suggests for that, would answer HTTP 200 before a copy fails, and
    // the janitor deletes old rows only after their copy succeeded: the client's hint is not wanted.
    clickhouse: createClient({
      ...clickhouseAccess(config),
      request_timeout: 600_000,
      log: { level: ClickHouseLogLevel.ERROR },
    }),
    s3: new S3Client(s3ClientConfig(config.s3)),
  };
  const janitor = new Janitor({
    redis,
    lockKey: `${config.stream}:janitor`,
    keyStore,
    defaultDays: config.retentionDays,
    deps: {
      sql: clickhouseSql(janitorClients.clickhouse),
      objects: s3Objects(janitorClients.s3, config.s3.bucket),
      ...(config.clickhouse.cluster
        ? { cluster: { cluster: config.clickhouse.cluster, database: config.clickhouse.database } }
        : {}),
    },
    lifecycle: (projects) => setLifecycleRules(janitorClients.s3, config.s3.bucket, projects),
    intervalMillis: config.janitorIntervalMillis,
    logger,
  });
  const ops = createProcessorOps({
    consumer: config.consumer,
    stream: config.stream,
    stats: processor.stats,
    janitor: janitor.stats,
    queue: consumer,
    checks: {
      redis: async () => (await redis.ping()) === 'PONG',
      clickhouse: () => clickhouse.ping(),
      s3: () => payloads.reachable(),
    },
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: ops.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', (err: Error) =>
      reject(new Error(`cannot listen on ${config.host}:${config.port}: ${err.message}`))
    );
  });
  processor.start();
  janitor.start();
  logger.info(
    `consuming ${config.stream} as ${config.group}/${config.consumer} -> ClickHouse ${config.clickhouse.url}/${config.clickhouse.database}, S3 ${config.s3.endpoint ?? 'AWS'}/${config.s3.bucket}; ${
      config.janitorIntervalMillis > 0
        ? `janitor every ${config.janitorIntervalMillis / 1000} s (one processor at a time)`
        : 'janitor off (XRAY_JANITOR_INTERVAL_MS=0)'
    }, default retention ${config.retentionDays} days`
  );

  return {
    async stop() {
      server.close();
      await Promise.all([janitor.stop(), processor.stop()]);
      redis.disconnect();
      await clickhouse.close();
      await janitorClients.clickhouse.close();
      janitorClients.s3.destroy();
      await keyStore.close();
      payloads.close();
    },
  };
}

function clickhouseAccess(config: ProcessorConfig) {
  const { url, database, username, password } = config.clickhouse;
  return { url, database, username, password };
}

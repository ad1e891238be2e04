/**
 * The processor's wiring: real clients (Redis, ClickHouse, S3) around the loop, and its HTTP
 * endpoints. main.ts calls it with the settings it read from the environment; the reliability
 * suite's faulty processor calls it with a stage hook.
 */
import { serve, type ServerType } from '@hono/node-server';
import { deadLetterStream } from '@xray/core/ingest';
import { withFields, type Logger, type RunningService } from '@xray/core/service';
import { Redis } from 'ioredis';
import { ClickHouseWriter } from './clickhouse.js';
import type { ProcessorConfig } from './config.js';
import { RedisDeadLetters } from './dead-letters.js';
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
 * dependency does not answer or the port is taken. `stop()` stops serving, finishes and
 * acknowledges the batch in flight, then closes the clients.
 */
export async function startProcessor(config: ProcessorConfig, o: StartProcessorOptions): Promise<RunningService> {
  const logger = withFields(o.logger, { consumer: config.consumer });
  const clickhouse = new ClickHouseWriter(config.clickhouse);
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
  const applied = await clickhouse.migrate();
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
  const ops = createProcessorOps({
    consumer: config.consumer,
    stream: config.stream,
    stats: processor.stats,
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
  logger.info(
    `consuming ${config.stream} as ${config.group}/${config.consumer} -> ClickHouse ${config.clickhouse.url}/${config.clickhouse.database}, S3 ${config.s3.endpoint ?? 'AWS'}/${config.s3.bucket}`
  );

  return {
    async stop() {
      server.close();
      await processor.stop();
      redis.disconnect();
      await clickhouse.close();
      payloads.close();
    },
  };
}

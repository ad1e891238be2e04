#!/usr/bin/env node
import { deadLetterStream } from '@xray/core/ingest';
import { Redis } from 'ioredis';
import { ClickHouseWriter } from './clickhouse.js';
import { loadConfig } from './config.js';
import { RedisDeadLetters } from './dead-letters.js';
import { describeFaults, installFaults, readFaultSettings } from './faults.js';
import { createHealthServer } from './health.js';
import { Processor } from './processor.js';
import { PayloadWriter } from './s3.js';
import { GroupConsumer } from './stream.js';

// The only place that reads the environment and wires real clients.
const config = loadConfig();
const log = (line: string) => process.stdout.write(`[processor ${config.consumer}] ${line}\n`);
// Test-only fault injection (reliability suite); inert unless XRAY_FAULT_* is set.
const faults = readFaultSettings(process.env);
installFaults(faults);
if (faults) log(describeFaults(faults));

const clickhouse = new ClickHouseWriter(config.clickhouse);
const payloads = new PayloadWriter(config.s3);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
const consumer = new GroupConsumer(redis, { stream: config.stream, group: config.group, consumer: config.consumer });

try {
  await redis.connect();
  const applied = await clickhouse.migrate();
  if (applied.length > 0) log(`applied migrations ${applied.join(', ')}`);
  await payloads.ensureBucket();
  await consumer.ensureGroup();
} catch (cause) {
  process.stderr.write(`processor cannot start: ${(cause as Error).message}\n`);
  process.exit(1);
}

const processor = new Processor(
  consumer,
  { writePayloads: (b) => payloads.write(b.objects), writeRows: (b) => clickhouse.write(b) },
  new RedisDeadLetters(redis, deadLetterStream(config.stream)),
  {
    batchEntries: config.batchEntries,
    blockMillis: config.blockMillis,
    claimIdleMillis: config.claimIdleMillis,
    maxAttempts: config.maxAttempts,
    log,
  }
);
processor.start();
// Health and counters for the local stack, orchestrators and tests.
const health = createHealthServer({
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
health.on('error', (err) => log(`health endpoint unavailable: ${err.message}`));
health.listen(config.port, config.host);
log(
  `consuming ${config.stream} as ${config.group}/${config.consumer} -> ClickHouse ${config.clickhouse.url}/${config.clickhouse.database}, S3 ${config.s3.endpoint ?? 'AWS'}/${config.s3.bucket}`
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  health.close();
  await processor.stop();
  redis.disconnect();
  await clickhouse.close();
  payloads.close();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

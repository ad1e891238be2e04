import { deadLetterStream } from '@xray/core/ingest';
import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { freePort, type Services, startServices } from '@xray/stack';

/** A private X-Ray deployment inside the shared test storage: own database, stream and project. */
export interface TestStack extends Services {
  projectId: string;
  database: string;
  stream: string;
  clickhouseUrl: string;
  s3Endpoint: string;
  bucket: string;
  redisUrl: string;
  /** XRAY_AUTH_STORE of the stack's services (a Redis prefix of its own). */
  authStore: string;
  /** GET a query API path with the project's read key and parse the JSON (any status). */
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  /** Stops the services and removes the database and streams. */
  close(): Promise<void>;
}

/** Starts receiver, processor and query API as processes against the run's shared storage. */
export async function startTestStack(label: string, env: Record<string, string> = {}): Promise<TestStack> {
  const id = `${label}_${randomBytes(4).toString('hex')}`;
  const clickhouseUrl = inject('clickhouseUrl');
  const s3Endpoint = inject('s3Endpoint');
  const redisUrl = inject('redisUrl');
  const bucket = inject('bucket');
  const settings = {
    projectId: id.toLowerCase().replace(/_/g, '-'),
    database: `t_${id}`,
    stream: `test:${id}:spans`,
    authStore: `redis:test:${id}:auth`,
    clickhouseUrl,
    s3Endpoint,
    bucket,
    redisUrl,
  };
  const services = await startServices({
    ...settings,
    receiverPort: await freePort(),
    queryPort: await freePort(),
    processorPort: await freePort(),
    // Alert rules under the stack's own prefix: no stack evaluates another's (or a developer's) rules.
    env: { PROCESSOR_BLOCK_MS: '100', XRAY_ALERTS_PREFIX: `test:${id}:alerts`, ...env },
    onLine: (name, line) => {
      if (process.env.XRAY_TEST_VERBOSE || /error|fail|cannot/i.test(line))
        process.stderr.write(`[${id} ${name}] ${line}\n`);
    },
  });
  return {
    ...services,
    ...settings,
    async get<T>(path: string) {
      const res = await fetch(`${services.queryUrl}${path}`, {
        headers: { authorization: `Bearer ${services.keys.readKey}` },
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async close() {
      await services.stop();
      const ch = createClient({ url: clickhouseUrl });
      await ch.command({ query: `DROP DATABASE IF EXISTS ${settings.database}` }).finally(() => ch.close());
      const redis = new Redis(redisUrl);
      const auth = settings.authStore.slice('redis:'.length);
      const alertKeys = await redis.keys(`test:${id}:alerts:*`).catch(() => []);
      await redis
        .del(settings.stream, deadLetterStream(settings.stream), `${auth}:keys`, `${auth}:projects`, ...alertKeys)
        .finally(() => redis.disconnect());
    },
  };
}

/** Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMillis`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMillis = 20_000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMillis} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`
  );
}

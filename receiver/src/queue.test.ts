// RedisSpanQueue against the real redis-server on 127.0.0.1:6379 (a random stream, deleted after).
import { randomUUID } from 'node:crypto';
import { QueueFields, decodeQueueEntry, type QueueMessage } from '@xray/core/ingest';
import { encodeOtlpJson } from '@xray/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { createRedisSpanQueue } from './queue.js';

const stream = `test:recv:${randomUUID()}`;
const redis = new Redis('redis://127.0.0.1:6379');
const message: QueueMessage = {
  v: 2,
  projectId: 'p',
  receivedAt: 1,
  format: 'json',
  acceptedSpans: 0,
  body: new TextEncoder().encode(encodeOtlpJson([])),
};

afterAll(async () => {
  await redis.del(stream);
  await redis.quit();
});

describe('RedisSpanQueue', () => {
  it('appends one stream entry per message, in the queue fields, the body as bytes', async () => {
    const queue = createRedisSpanQueue({ url: 'redis://127.0.0.1:6379', stream });
    try {
      expect(await queue.waitUntilReady(5000)).toBe(true);
      await queue.enqueue(message);
      await queue.enqueue({ ...message, receivedAt: 2 });
      const entries = await redis.xrangeBuffer(stream, '-', '+');
      const fields = entries.map(
        ([, f]) =>
          new Map(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString(), f[2 * i + 1]!] as const))
      );
      expect([...fields[0]!.keys()]).toEqual(Object.values(QueueFields));
      expect(Buffer.compare(fields[0]!.get(QueueFields.BODY)!, message.body)).toBe(0);
      expect(fields.map(decodeQueueEntry)).toEqual([
        { ok: true, value: { v: 2, projectId: 'p', receivedAt: 1, spans: [] } },
        { ok: true, value: { v: 2, projectId: 'p', receivedAt: 2, spans: [] } },
      ]);
    } finally {
      await queue.close();
    }
  });

  it('fails fast, and logs the outage once, when Redis is unreachable', async () => {
    const warnings: string[] = [];
    const logger: Logger = { info() {}, warn: (m) => warnings.push(m), error() {} };
    const queue = createRedisSpanQueue({ url: 'redis://:pw@127.0.0.1:1', stream, logger });
    try {
      expect(await queue.waitUntilReady(300)).toBe(false);
      const started = performance.now();
      await expect(queue.enqueue(message)).rejects.toThrow();
      await expect(queue.enqueue(message)).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(200);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^redis unavailable at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    } finally {
      await queue.close();
    }
  });
});

// RedisSpanQueue against the real redis-server on 127.0.0.1:6379 (a random stream, deleted after).
import { randomUUID } from 'node:crypto';
import { QUEUE_FIELD, decodeQueueMessage, type QueueMessage } from '@xray/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { createRedisSpanQueue } from './queue.js';

const stream = `test:recv:${randomUUID()}`;
const redis = new Redis('redis://127.0.0.1:6379');
const message: QueueMessage = { v: 1, projectId: 'p', receivedAt: 1, spans: [] };

afterAll(async () => {
  await redis.del(stream);
  await redis.quit();
});

describe('RedisSpanQueue', () => {
  it('appends one stream entry per message, in the queue field', async () => {
    const queue = createRedisSpanQueue({ url: 'redis://127.0.0.1:6379', stream });
    try {
      expect(await queue.waitUntilReady(5000)).toBe(true);
      await queue.enqueue(message);
      await queue.enqueue({ ...message, receivedAt: 2 });
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.map(([, fields]) => fields[0])).toEqual([QUEUE_FIELD, QUEUE_FIELD]);
      expect(entries.map(([, fields]) => decodeQueueMessage(fields[1]!))).toEqual([
        { ok: true, value: message },
        { ok: true, value: { ...message, receivedAt: 2 } },
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

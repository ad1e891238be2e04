import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupConsumer } from './stream.js';

const redis = new Redis('redis://127.0.0.1:6379');
const stream = `test:stream:${randomUUID()}`;
afterAll(async () => {
  await redis.del(stream);
  redis.disconnect();
});

describe('GroupConsumer.backlog', () => {
  it('reports the age of the oldest entry not yet acknowledged, pending or undelivered', async () => {
    const now = Date.now();
    const consumer = new GroupConsumer(redis, { stream, group: 'g', consumer: 'c1' });
    await consumer.ensureGroup();
    expect(await consumer.backlog(now)).toEqual({ length: 0, pending: 0, lag: 0, oldestAgeMillis: 0 });
    await redis.xadd(stream, `${now - 5000}-0`, 'm', 'a');
    await redis.xadd(stream, `${now - 2000}-0`, 'm', 'b');
    expect((await consumer.backlog(now)).oldestAgeMillis).toBe(5000); // both undelivered

    const [first] = await consumer.read(1, 10);
    expect(await consumer.backlog(now)).toMatchObject({ length: 2, pending: 1, lag: 1, oldestAgeMillis: 5000 }); // one pending
    await redis.xack(stream, 'g', first!.id);
    expect((await consumer.backlog(now)).oldestAgeMillis).toBe(2000); // the undelivered one

    const [second] = await consumer.read(1, 10);
    await redis.xack(stream, 'g', second!.id);
    expect(await consumer.backlog(now)).toMatchObject({ pending: 0, lag: 0, oldestAgeMillis: 0 });
  });
});

import { connect, createServer, type Server } from 'node:net';
import { deadLetterStream, encodeQueueEntry } from '@xray/core/ingest';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { RedisDeadLetters } from './dead-letters.js';
import { Processor } from './processor.js';
import {
  counts,
  drain,
  enqueue,
  message,
  newProcessor,
  payloads,
  redis,
  runSpan,
  stream,
  useProcessorStorage,
  writer,
} from './processor.fixture.js';
import { GroupConsumer } from './stream.js';

// The processor and its stream: a delivery lost with the connection, and trimming.
useProcessorStorage();

/**
 * Redis behind a TCP relay that can lose one answer together with its connection, as when Redis is
 * killed after running a command (and, with appendfsync always, logging it) but before replying.
 */
async function lossyRelay(
  target: string
): Promise<{ url: string; loseAnswerContaining(text: string): void; lost: () => number; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let needle: Buffer | undefined;
  let lost = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (needle && chunk.includes(needle)) {
        needle = undefined;
        lost++;
        return drop();
      }
      client.write(chunk);
    });
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    loseAnswerContaining: (text) => (needle = Buffer.from(text)),
    lost: () => lost,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('processor', () => {
  it('processes an entry whose delivery was lost with the connection to Redis', async () => {
    const relay = await lossyRelay(inject('redisUrl'));
    const lossy = new Redis(relay.url, { maxRetriesPerRequest: null }); // as in main.ts
    const p = new Processor(
      new GroupConsumer(lossy, { stream, group: 'g', consumer: 'lossy' }),
      { writePayloads: (b) => payloads.write(b), writeRows: (b) => writer.write(b) },
      new RedisDeadLetters(lossy, deadLetterStream(stream)),
      // Claiming idle entries would rescue it only after a minute: not what this is about.
      { batchEntries: 10, blockMillis: 10, claimIdleMillis: 60_000, retryBaseMillis: 10 }
    );
    try {
      p.start();
      // Armed before the entry exists: Redis answers the waiting read as soon as it is added.
      const entryId = `${Date.now() + 1}-7`;
      relay.loseAnswerContaining(entryId);
      await redis.xadd(stream, entryId, ...encodeQueueEntry(message('proj-lost-answer', [runSpan])));
      const deadline = Date.now() + 10_000;
      while (p.stats.entries < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(relay.lost()).toBe(1);
      expect(p.stats.entries).toBe(1);
      expect((await counts('proj-lost-answer')).runs).toBe(1);
      expect((await redis.xpending(stream, 'g', '-', '+', 10, 'lossy')).length).toBe(0);
    } finally {
      await p.stop();
      lossy.disconnect();
      await relay.close();
    }
  });

  it('trims acknowledged entries from the stream but never a pending one', async () => {
    const consumer = new GroupConsumer(redis, { stream, group: 'g', consumer: 'c6' });
    await drain(newProcessor('c6'));
    await enqueue(message('proj-trim', [runSpan]));
    const [pendingEntry] = await consumer.read(1, 10); // delivered, never acknowledged
    await consumer.trim();
    const left = await redis.xrange(stream, '-', '+');
    expect(left.map(([id]) => id)).toEqual([pendingEntry!.id]);
    await consumer.ack([pendingEntry!.id]);
    await consumer.trim();
    expect(await redis.xlen(stream)).toBe(0);
  });
});

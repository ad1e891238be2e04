import { deadLetterStream } from '@xray/core/ingest';
import { describe, expect, it } from 'vitest';
import { RedisDeadLetters } from './dead-letters.js';
import { type BatchSink, Processor } from './processor.js';
import {
  counts,
  drain,
  enqueue,
  message,
  newProcessor,
  payloads,
  redis,
  runSpan,
  stepSpan,
  stream,
  useProcessorStorage,
  writer,
} from './processor.fixture.js';
import { GroupConsumer } from './stream.js';

// Storage that fails or is down: nothing is acknowledged, nothing is set aside for it, and every
// entry is stored once storage is back.
useProcessorStorage();

describe('processor', () => {
  it('leaves entries pending when a write fails, and a restarted consumer writes them', async () => {
    const failing = new Processor(
      new GroupConsumer(redis, { stream, group: 'g', consumer: 'c2' }),
      { writePayloads: async () => undefined, writeRows: async () => Promise.reject(new Error('ClickHouse down')) },
      new RedisDeadLetters(redis, deadLetterStream(stream)),
      { batchEntries: 50, blockMillis: 10, claimIdleMillis: 60_000 }
    );
    await enqueue(message('proj-f', [runSpan, stepSpan]));
    await expect(failing.runOnce()).rejects.toThrow('ClickHouse down');
    expect((await redis.xpending(stream, 'g'))[0]).toBe(1);
    expect((await counts('proj-f')).runs).toBe(0);
    await drain(newProcessor('c2'));
    expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
    expect(await counts('proj-f')).toMatchObject({ runs: 1, steps: 1, decisions: 200 });
  });

  it('in its background loop, survives failing writes and stores every entry once it can', async () => {
    let failuresLeft = 3;
    const p = new Processor(
      new GroupConsumer(redis, { stream, group: 'g', consumer: 'loop' }),
      {
        writePayloads: (b) => payloads.write(b),
        writeRows: (b) => (failuresLeft-- > 0 ? Promise.reject(new Error('ClickHouse down')) : writer.write(b)),
      },
      new RedisDeadLetters(redis, deadLetterStream(stream)),
      { batchEntries: 2, blockMillis: 10, claimIdleMillis: 60_000, retryBaseMillis: 10 }
    );
    for (let i = 0; i < 6; i++)
      await enqueue(message(`proj-loop-${i}`, [{ ...runSpan, spanId: `${i + 1}`.repeat(16) }]));
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.stats.entries < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(p.stats.writeFailures).toBe(3);
    expect(p.stats.entries).toBe(6);
    expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
    for (let i = 0; i < 6; i++) expect((await counts(`proj-loop-${i}`)).runs).toBe(1);
  });

  it('never sets aside entries while storage is merely unreachable', async () => {
    let down = true;
    const outage: BatchSink = {
      writePayloads: (b) => payloads.write(b),
      writeRows: (b) =>
        down
          ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
          : writer.write(b),
    };
    await enqueue(message('proj-outage', [runSpan]));
    const p = newProcessor('c5', { batchEntries: 10, maxAttempts: 2, retryBaseMillis: 5 }, outage);
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.stats.writeFailures < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    down = false;
    while (p.stats.entries < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(p.stats.deadLettered).toBe(0);
    expect((await counts('proj-outage')).runs).toBe(1);
  });

  it('backs off longer after each failed write while storage stays down', async () => {
    const waits: number[] = [];
    const down: BatchSink = {
      writePayloads: (b) => payloads.write(b),
      writeRows: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    await enqueue(message('proj-backoff', [runSpan]));
    const log = (line: string) => {
      const wait = /retrying in (\d+) ms/.exec(line);
      if (wait) waits.push(Number(wait[1]));
    };
    const logger = { info: log, warn: log, error: log };
    const p = newProcessor('c7', { batchEntries: 10, retryBaseMillis: 5, logger }, down);
    p.start();
    const deadline = Date.now() + 20_000;
    while (waits.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await p.stop();
    expect(waits.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    await drain(newProcessor('c7')); // storage back: the entry is written, nothing left pending
  });
});

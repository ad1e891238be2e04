import { createClient } from '@clickhouse/client';
import { DEFAULT_CONSUMER_GROUP } from '@xray/core/ingest';
import { KEPT, ELIMINATED, XRay, XRStepType } from '@xray/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// SIGTERM on a busy processor: it stops reading, finishes and acknowledges what it holds, exits 0;
// a processor started later takes the rest, and every decision is stored exactly once.
let stack: TestStack;
const RUNS = 30;
const ITEMS = 400;

async function pendingOf(consumer: string): Promise<number> {
  const redis = new Redis(stack.redisUrl);
  try {
    const consumers = (await redis.xinfo('CONSUMERS', stack.stream, DEFAULT_CONSUMER_GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info = Object.fromEntries(
        Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])
      );
      if (info.name === consumer) return Number(info.pending);
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  // Small batches, so SIGTERM lands while there is both work in flight and work not yet read.
  stack = await startTestStack('shutdown', { PROCESSOR_BATCH_ENTRIES: '2', PROCESSOR_BLOCK_MS: '20' });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('graceful shutdown', () => {
  it('acknowledges what it read, exits 0, and leaves the rest to the next processor', async () => {
    const xray = new XRay({
      endpoint: `${stack.receiverUrl}/v1/traces`,
      apiKey: stack.keys.ingestKey,
      capture: 'full',
      decisionsPerSpan: 100,
    });
    for (let r = 0; r < RUNS; r++) {
      const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `r${r}-${i}` }));
      await xray.run('shutdown', items, async (runId) => {
        const out = await xray.step(
          runId,
          XRStepType.FILTER,
          'filter',
          (input: typeof items) =>
            input.map((x, i) => ({ itemId: x.id, outcome: i % 3 === 0 ? ELIMINATED : KEPT, reason: 'every third' })),
          items
        );
        return out.filter((d) => d.outcome === KEPT);
      });
    }
    await xray.shutdown();
    expect(xray.stats().exportFailures).toBe(0);

    const processor = stack.processes.processor;
    const started = Date.now();
    processor.child.kill('SIGTERM');
    expect(await processor.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await pendingOf('processor-1')).toBe(0);

    stack.addProcessor('processor-2');
    const ch = createClient({ url: stack.clickhouseUrl, database: stack.database });
    try {
      const stored = await eventually(
        async () => {
          const result = await ch.query({
            query: 'SELECT count() AS c, uniqExact(step_id, seq) AS u FROM decision_events FINAL',
            format: 'JSONEachRow',
          });
          const [row] = await result.json<{ c: string; u: string }>();
          return Number(row!.c) === RUNS * ITEMS ? row : undefined;
        },
        60_000,
        'every decision to be stored'
      );
      expect(Number(stored.u)).toBe(RUNS * ITEMS);
    } finally {
      await ch.close();
    }
  });
});

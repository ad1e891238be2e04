import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MAX_RETENTION_DAYS } from '@xray/core/model';
import { byteRange, ITEM_DECISION_COLUMNS, recordInRange, s3ClientConfig } from '@xray/core/storage';
import { describe, expect, it } from 'vitest';
import { type BatchSink } from './processor.js';
import {
  ch,
  chunkSpan,
  counts,
  drain,
  enqueue,
  message,
  newProcessor,
  payloads,
  redis,
  RUN,
  runSpan,
  s3Settings,
  STEP,
  stepSpan,
  stream,
  useProcessorStorage,
  writer,
} from './processor.fixture.js';

// What the processor stores, against real Redis, the embedded ClickHouse over HTTP, and s3rver:
// rows and payloads once each, whatever the order and however often entries arrive.
useProcessorStorage();

describe('processor', () => {
  it('migrations are idempotent: a second run applies nothing', async () => {
    expect(await writer.migrate()).toEqual([]);
  });

  it('writes rows and payloads for an entry, then acknowledges it', async () => {
    await enqueue(message('proj-a', [runSpan, stepSpan, chunkSpan]));
    await drain(newProcessor());
    expect(await counts('proj-a')).toEqual({ runs: 1, steps: 1, decisions: 300, eliminated: 225 });
    expect(await redis.xpending(stream, 'g')).toEqual([0, null, null, null]);
    const [row] = await (
      await ch.query({
        query: `SELECT payload_key k, payload_offset o, payload_length l FROM decision_events FINAL WHERE project_id = 'proj-a' AND seq = 250`,
        format: 'JSONEachRow',
      })
    ).json<{ k: string; o: string; l: number }>();
    const s3 = new S3Client(s3ClientConfig(s3Settings));
    const object = await s3.send(
      new GetObjectCommand({ Bucket: s3Settings.bucket, Key: row!.k, Range: byteRange(Number(row!.o), Number(row!.l)) })
    );
    const frame = Buffer.from(await object.Body!.transformToByteArray());
    expect(await recordInRange(row!.k, frame, { eventId: `${STEP}-250` })).toMatchObject({
      itemId: 'item-250',
      seq: 250,
      input: { n: 250 },
    });
    s3.destroy();
  });

  it('writes the decisions sorted by item too, without the payload reference nobody reads there', async () => {
    await enqueue(message('proj-items', [runSpan, stepSpan, chunkSpan]));
    await drain(newProcessor());
    const q = async <T>(query: string) => await (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
    const [byItem] = await q<{ c: string; e: string }>(
      `SELECT count() c, countIf(outcome = 'eliminated') e FROM item_decisions FINAL WHERE project_id = 'proj-items'`
    );
    expect([Number(byItem!.c), Number(byItem!.e)]).toEqual([300, 225]);
    const [one] = await q<Record<string, unknown>>(
      `SELECT * FROM item_decisions FINAL WHERE project_id = 'proj-items' AND item_id = 'item-250'`
    );
    expect(one).toMatchObject({ run_id: RUN, step_id: STEP, seq: 250, outcome: 'eliminated', reason: 'because 250' });
    // No payload reference: decision_events has it.
    expect(Object.keys(one!).sort()).toEqual([...ITEM_DECISION_COLUMNS].sort());
    // Stamped with the project's retention (the fixture's lookup keeps everything).
    expect(one!.retention_days).toBe(MAX_RETENTION_DAYS);
  });

  it('processing the same entry twice changes nothing visible', async () => {
    const m = message('proj-b', [runSpan, stepSpan, chunkSpan]);
    await enqueue(m);
    await drain(newProcessor());
    const once = await counts('proj-b');
    await enqueue(m);
    await drain(newProcessor());
    expect(await counts('proj-b')).toEqual(once);
    // The de-duplication token makes the retried insert a no-op even before merges.
    expect(await counts('proj-b', false)).toEqual(once);
  });

  it('gives the same run and step metrics whether steps arrive before or after their run', async () => {
    // One entry per batch, so the arrival order really is the write order.
    const oneByOne = newProcessor('c1', { batchEntries: 1 });
    for (const spans of [[stepSpan], [chunkSpan], [runSpan]]) {
      await enqueue(message('proj-c', spans));
      await drain(oneByOne);
    }
    for (const spans of [[runSpan], [chunkSpan], [stepSpan]]) {
      await enqueue(message('proj-d', spans));
      await drain(oneByOne);
    }
    const metrics = async (p: string) =>
      (
        await (
          await ch.query({
            query: `SELECT r.*, s.* FROM (SELECT total_steps, input_count, output_count, elimination_ratio FROM runs FINAL WHERE project_id = {p:String}) r, (SELECT input_count si, eliminated_count se, elimination_ratio sr FROM steps FINAL WHERE project_id = {p:String}) s`,
            query_params: { p },
            format: 'JSONEachRow',
          })
        ).json<Record<string, unknown>>()
      ).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])));
    expect(await metrics('proj-c')).toEqual(await metrics('proj-d'));
    expect(await metrics('proj-c')).toEqual([
      { total_steps: 1, input_count: 300, output_count: 75, elimination_ratio: 0.75, si: 300, se: 225, sr: 0.75 },
    ]);
    expect(await counts('proj-c')).toEqual(await counts('proj-d'));
  });

  it('counts each decision once when a failed batch is redelivered in different groupings', async () => {
    let fail = true;
    const flaky: BatchSink = {
      writePayloads: (b) => payloads.write(b),
      // The first attempt stores the rows and then fails, as a timeout after a successful insert would.
      writeRows: async (b) => {
        await writer.write(b);
        if (fail) {
          fail = false;
          throw new Error('timeout after insert');
        }
      },
    };
    await enqueue(message('proj-g', [runSpan]));
    await enqueue(message('proj-g', [stepSpan]));
    await enqueue(message('proj-g', [chunkSpan]));
    const p = newProcessor('c3', { batchEntries: 3 }, flaky);
    await expect(p.runOnce()).rejects.toThrow('timeout after insert');
    await drain(newProcessor('c3', { batchEntries: 1 }));
    expect(await counts('proj-g')).toEqual({ runs: 1, steps: 1, decisions: 300, eliminated: 225 });
    expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
  });
});

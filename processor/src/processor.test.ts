import { randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import * as C from '@xray/otel';
import { byteRange, encodeQueueMessage, QUEUE_FIELD, type QueueMessage, s3ClientConfig, type XSpan } from '@xray/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClickHouseWriter } from './clickhouse.js';
import { RedisDeadLetters } from './dead-letters.js';
import { Processor } from './processor.js';
import { PayloadWriter } from './s3.js';
import { GroupConsumer } from './stream.js';

// The processor against real Redis, the embedded ClickHouse over HTTP, and s3rver.
const id = randomBytes(4).toString('hex');
const database = `t_proc_${id}`;
const stream = `test:proc:${id}`;
const s3Settings = { endpoint: inject('s3Endpoint'), region: 'us-east-1', bucket: inject('bucket'), accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let redis: Redis;
let ch: ClickHouseClient;
let writer: ClickHouseWriter;
let payloads: PayloadWriter;

const RUN = randomBytes(16).toString('hex');
const STEP = randomBytes(8).toString('hex');
const T = '1764131262000000000';

function xspan(kind: string, spanId: string, attributes: XSpan['attributes'], decisions = 0, offset = 0): XSpan {
  return {
    traceId: RUN,
    spanId,
    parentSpanId: kind === C.SpanKinds.RUN ? '' : 'f'.repeat(16),
    name: kind,
    startTimeUnixNano: T,
    endTimeUnixNano: T,
    attributes: { [C.ATTR_XRAY_SPAN_KIND]: kind, [C.ATTR_XRAY_RUN_ID]: RUN, [C.ATTR_XRAY_DECISIONS_OFFSET]: offset, ...attributes },
    events: Array.from({ length: decisions }, (_, i) => ({
      timeUnixNano: T,
      name: C.EVENT_XRAY_DECISION,
      attributes: {
        [C.ATTR_XRAY_DECISION_ITEM_ID]: `item-${offset + i}`,
        [C.ATTR_XRAY_DECISION_OUTCOME]: (offset + i) % 4 === 0 ? 'kept' : 'eliminated',
        [C.ATTR_XRAY_DECISION_REASON]: `because ${offset + i}`,
        [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ n: offset + i }),
      },
    })),
    status: { code: 0, message: '' },
  };
}

const runSpan = xspan(C.SpanKinds.RUN, 'f'.repeat(16), {
  [C.ATTR_XRAY_PIPELINE_NAME]: 'p',
  [C.ATTR_XRAY_RUN_STEP_COUNT]: 1,
  [C.ATTR_XRAY_RUN_INPUT_COUNT]: 300,
  [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: 75,
});
const stepSpan = xspan(
  C.SpanKinds.STEP,
  STEP,
  {
    [C.ATTR_XRAY_STEP_ID]: STEP,
    [C.ATTR_XRAY_STEP_NAME]: 'filter',
    [C.ATTR_XRAY_STEP_INPUT_COUNT]: 300,
    [C.ATTR_XRAY_STEP_OUTPUT_COUNT]: 75,
    [C.ATTR_XRAY_STEP_KEPT_COUNT]: 75,
    [C.ATTR_XRAY_STEP_ELIMINATED_COUNT]: 225,
  },
  200,
);
const chunkSpan = xspan(C.SpanKinds.DECISIONS, randomBytes(8).toString('hex'), { [C.ATTR_XRAY_STEP_ID]: STEP }, 100, 200);

function message(projectId: string, spans: XSpan[]): QueueMessage {
  return { v: 1, projectId, receivedAt: Date.now(), spans };
}

async function enqueue(m: QueueMessage | string): Promise<string> {
  return (await redis.xadd(stream, '*', QUEUE_FIELD, typeof m === 'string' ? m : encodeQueueMessage(m)))!;
}

function newProcessor(consumer = 'c1'): Processor {
  const group = new GroupConsumer(redis, { stream, group: 'g', consumer });
  return new Processor(
    group,
    { writePayloads: (b) => payloads.write(b.objects), writeRows: (b) => writer.write(b) },
    new RedisDeadLetters(redis, `${stream}:dead`),
    { batchEntries: 50, blockMillis: 10, claimIdleMillis: 60_000 },
  );
}

async function drain(p: Processor): Promise<void> {
  while ((await p.runOnce()) > 0);
}

async function counts(projectId: string, final = true) {
  const f = final ? 'FINAL' : '';
  const q = async (sql: string) => Number(((await (await ch.query({ query: sql, query_params: { p: projectId }, format: 'JSONEachRow' })).json()) as { c: string }[])[0]!.c);
  return {
    runs: await q(`SELECT count() c FROM runs ${f} WHERE project_id = {p:String}`),
    steps: await q(`SELECT count() c FROM steps ${f} WHERE project_id = {p:String}`),
    decisions: await q(`SELECT count() c FROM decision_events ${f} WHERE project_id = {p:String}`),
    eliminated: await q(`SELECT count() c FROM decision_events ${f} WHERE project_id = {p:String} AND outcome = 'eliminated'`),
  };
}

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  ch = createClient({ url: inject('clickhouseUrl'), database });
  writer = new ClickHouseWriter({ url: inject('clickhouseUrl'), database, username: 'default', password: '' });
  payloads = new PayloadWriter(s3Settings);
  expect(await writer.migrate()).toEqual([1, 2, 3]);
  await new GroupConsumer(redis, { stream, group: 'g', consumer: 'c1' }).ensureGroup();
});

afterAll(async () => {
  await redis.del(stream, `${stream}:dead`);
  redis.disconnect();
  await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await ch.close();
  await writer.close();
  payloads.close();
});

describe('processor', () => {
  it('migrations are idempotent: a second run applies nothing', async () => {
    expect(await writer.migrate()).toEqual([]);
  });

  it('writes rows and payloads for an entry, then acknowledges it', async () => {
    await enqueue(message('proj-a', [runSpan, stepSpan, chunkSpan]));
    await drain(newProcessor());
    expect(await counts('proj-a')).toEqual({ runs: 1, steps: 1, decisions: 300, eliminated: 225 });
    expect(await redis.xpending(stream, 'g')).toEqual([0, null, null, null]);
    const [row] = (await (await ch.query({ query: `SELECT payload_key k, payload_offset o, payload_length l FROM decision_events FINAL WHERE project_id = 'proj-a' AND seq = 250`, format: 'JSONEachRow' })).json()) as { k: string; o: string; l: number }[];
    const s3 = new S3Client(s3ClientConfig(s3Settings));
    const object = await s3.send(new GetObjectCommand({ Bucket: s3Settings.bucket, Key: row!.k, Range: byteRange(Number(row!.o), Number(row!.l)) }));
    expect(JSON.parse(await object.Body!.transformToString())).toMatchObject({ itemId: 'item-250', seq: 250, input: { n: 250 } });
    s3.destroy();
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
    await enqueue(message('proj-c', [stepSpan]));
    await enqueue(message('proj-c', [chunkSpan]));
    await enqueue(message('proj-c', [runSpan]));
    await enqueue(message('proj-d', [runSpan]));
    await enqueue(message('proj-d', [chunkSpan, stepSpan]));
    await drain(newProcessor());
    const metrics = async (p: string) =>
      ((await (await ch.query({ query: `SELECT r.*, s.* FROM (SELECT total_steps, input_count, output_count, elimination_ratio FROM runs FINAL WHERE project_id = {p:String}) r, (SELECT input_count si, eliminated_count se, elimination_ratio sr FROM steps FINAL WHERE project_id = {p:String}) s`, query_params: { p }, format: 'JSONEachRow' })).json()) as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])),
      );
    expect(await metrics('proj-c')).toEqual(await metrics('proj-d'));
    expect(await metrics('proj-c')).toEqual([{ total_steps: 1, input_count: 300, output_count: 75, elimination_ratio: 0.75, si: 300, se: 225, sr: 0.75 }]);
  });

  it('dead-letters an entry that is not a queue message and keeps the rest flowing', async () => {
    await enqueue('{not json');
    await enqueue(message('proj-e', [runSpan]));
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-e')).runs).toBe(1);
    const dead = await redis.xrange(`${stream}:dead`, '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]![1].join(' ')).toContain('not JSON');
  });

  it('leaves entries pending when a write fails, and a restarted consumer writes them', async () => {
    const failing = new Processor(
      new GroupConsumer(redis, { stream, group: 'g', consumer: 'c2' }),
      { writePayloads: async () => undefined, writeRows: async () => Promise.reject(new Error('ClickHouse down')) },
      new RedisDeadLetters(redis, `${stream}:dead`),
      { batchEntries: 50, blockMillis: 10, claimIdleMillis: 60_000 },
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
        writePayloads: (b) => payloads.write(b.objects),
        writeRows: (b) => (failuresLeft-- > 0 ? Promise.reject(new Error('ClickHouse down')) : writer.write(b)),
      },
      new RedisDeadLetters(redis, `${stream}:dead`),
      { batchEntries: 2, blockMillis: 10, claimIdleMillis: 60_000, retryBaseMillis: 10 },
    );
    for (let i = 0; i < 6; i++) await enqueue(message(`proj-loop-${i}`, [{ ...runSpan, spanId: `${i}`.repeat(16) }]));
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.stats.entries < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(p.stats.writeFailures).toBe(3);
    expect(p.stats.entries).toBe(6);
    expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
    for (let i = 0; i < 6; i++) expect((await counts(`proj-loop-${i}`)).runs).toBe(1);
  });
});

import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import * as C from '@xray/otel';
import {
  deadLetterStream,
  encodeQueueEntry,
  QUEUE_FIELD_V1,
  QUEUE_FIELDS,
  QUEUE_MESSAGE_VERSION,
  type QueueMessage,
} from '@xray/core/ingest';
import { type XSpan } from '@xray/core/model';
import { byteRange, loadMigrations, s3ClientConfig } from '@xray/core/storage';
import { encodeOtlpJson, encodeQueueMessageV1 } from '@xray/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClickHouseWriter } from './clickhouse.js';
import { RedisDeadLetters } from './dead-letters.js';
import { type BatchSink, Processor } from './processor.js';
import { PayloadWriter } from './s3.js';
import { GroupConsumer } from './stream.js';

// The processor against real Redis, the embedded ClickHouse over HTTP, and s3rver.
const id = randomBytes(4).toString('hex');
const database = `t_proc_${id}`;
const stream = `test:proc:${id}`;
const s3Settings = {
  endpoint: inject('s3Endpoint'),
  region: 'us-east-1',
  bucket: inject('bucket'),
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};
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
    attributes: {
      [C.ATTR_XRAY_SPAN_KIND]: kind,
      [C.ATTR_XRAY_RUN_ID]: RUN,
      [C.ATTR_XRAY_DECISIONS_OFFSET]: offset,
      ...attributes,
    },
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
  200
);
const chunkSpan = xspan(
  C.SpanKinds.DECISIONS,
  randomBytes(8).toString('hex'),
  { [C.ATTR_XRAY_STEP_ID]: STEP },
  100,
  200
);

/** A message as the receiver writes it: the spans as an OTLP/JSON body, all of them accepted. */
function message(projectId: string, spans: XSpan[]): QueueMessage {
  const body = new TextEncoder().encode(encodeOtlpJson(spans));
  return {
    v: QUEUE_MESSAGE_VERSION,
    projectId,
    receivedAt: Date.now(),
    format: 'json',
    acceptedSpans: spans.length,
    body,
  };
}

/** Adds a message, or raw fields (e.g. a version 1 entry, or something broken). */
async function enqueue(m: QueueMessage | (string | Buffer)[]): Promise<string> {
  return (await redis.xadd(stream, '*', ...(Array.isArray(m) ? m : encodeQueueEntry(m))))!;
}

function newProcessor(
  consumer = 'c1',
  options: Partial<ConstructorParameters<typeof Processor>[3]> = {},
  sink?: BatchSink
): Processor {
  const group = new GroupConsumer(redis, { stream, group: 'g', consumer });
  return new Processor(
    group,
    sink ?? { writePayloads: (b) => payloads.write(b.objects), writeRows: (b) => writer.write(b) },
    new RedisDeadLetters(redis, deadLetterStream(stream)),
    { batchEntries: 50, blockMillis: 10, claimIdleMillis: 60_000, ...options }
  );
}

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

async function drain(p: Processor): Promise<void> {
  while ((await p.runOnce()) > 0);
}

async function counts(projectId: string, final = true) {
  const f = final ? 'FINAL' : '';
  const q = async (sql: string) =>
    Number(
      (
        await (
          await ch.query({ query: sql, query_params: { p: projectId }, format: 'JSONEachRow' })
        ).json<{
          c: string;
        }>()
      )[0]!.c
    );
  return {
    runs: await q(`SELECT count() c FROM runs ${f} WHERE project_id = {p:String}`),
    steps: await q(`SELECT count() c FROM steps ${f} WHERE project_id = {p:String}`),
    decisions: await q(`SELECT count() c FROM decision_events ${f} WHERE project_id = {p:String}`),
    eliminated: await q(
      `SELECT count() c FROM decision_events ${f} WHERE project_id = {p:String} AND outcome = 'eliminated'`
    ),
  };
}

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  ch = createClient({ url: inject('clickhouseUrl'), database });
  writer = new ClickHouseWriter({ url: inject('clickhouseUrl'), database, username: 'default', password: '' });
  payloads = new PayloadWriter(s3Settings);
  expect(await writer.migrate()).toEqual(loadMigrations().map((m) => m.version));
  await new GroupConsumer(redis, { stream, group: 'g', consumer: 'c1' }).ensureGroup();
});

afterAll(async () => {
  await redis.del(stream, deadLetterStream(stream));
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
    expect(JSON.parse(await object.Body!.transformToString())).toMatchObject({
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
    // Left at their defaults (they cost nothing on disk); decision_events has the reference.
    expect(one).toMatchObject({ payload_key: '', payload_length: 0 });
    expect(Number(one!.payload_offset)).toBe(0);
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
      writePayloads: (b) => payloads.write(b.objects),
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

  it('dead-letters an entry that is not a queue message and keeps the rest flowing', async () => {
    await enqueue([QUEUE_FIELD_V1, '{not json']);
    await enqueue(message('proj-e', [runSpan]));
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-e')).runs).toBe(1);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]![1].join(' ')).toContain('not JSON');
  });

  it('dead-letters at once an entry its mapping throws on, instead of retrying it forever', async () => {
    await enqueue([
      QUEUE_FIELD_V1,
      encodeQueueMessageV1({ v: 1, projectId: 'proj-null', receivedAt: Date.now(), spans: [null as never] }),
    ]);
    await enqueue(message('proj-after-null', [runSpan]));
    const p = newProcessor('c8');
    await drain(p);
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-after-null')).runs).toBe(1);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead.at(-1)![1].join(' ')).toContain('cannot be mapped to rows');
  });

  it('still processes entries of the previous message version (in flight during an upgrade)', async () => {
    await enqueue([
      QUEUE_FIELD_V1,
      encodeQueueMessageV1({
        v: 1,
        projectId: 'proj-v1',
        receivedAt: Date.now(),
        spans: [runSpan, stepSpan, chunkSpan],
      }),
    ]);
    await enqueue(message('proj-v1', [runSpan]));
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(0);
    expect(p.stats.entries).toBe(2);
    expect(await counts('proj-v1')).toEqual({ runs: 1, steps: 1, decisions: 300, eliminated: 225 });
  });

  it('dead-letters malformed entries with why, keeping their fields byte for byte', async () => {
    const good = message('proj-bad', [runSpan]);
    const fields = (m: Partial<QueueMessage>) => encodeQueueEntry({ ...good, ...m });
    const garbage = Buffer.from([0x0a, 0x7f, 0x0a, 0xff, 0x00]); // not OTLP protobuf, not UTF-8
    const broken: [(string | Buffer)[], RegExp][] = [
      [fields({ format: 'protobuf', body: garbage }), /body does not decode: invalid OTLP protobuf/],
      [fields({ body: Buffer.from('{"resourceSpans": [') }), /body does not decode: invalid OTLP JSON/],
      [fields({ acceptedSpans: 2 }), /decodes to 1 X-Ray spans, the receiver accepted 2/],
      [fields({}).map((f) => (f === 'json' ? 'xml' : f)), /unknown format "xml"/],
      [fields({}).slice(2), /not a queue message/],
      [[QUEUE_FIELDS.VERSION, '3', QUEUE_FIELDS.BODY, garbage], /unsupported queue message version "3"/],
      [['other', 'thing'], /not a queue message/],
    ];
    const first = await enqueue(broken[0]![0]);
    for (const [f] of broken.slice(1)) await enqueue(f);
    await enqueue(good);
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(broken.length);
    expect((await counts('proj-bad')).runs).toBe(1);
    const dead = (await redis.xrangeBuffer(deadLetterStream(stream), '-', '+')).slice(-broken.length);
    dead.forEach(([, f], i) => {
      const [id, entryId, error, message, ...original] = f;
      expect([id!.toString(), error!.toString()]).toEqual(['id', 'error']);
      expect(message!.toString()).toMatch(broken[i]![1]);
      expect(original.map((x) => x.toString('hex'))).toEqual(broken[i]![0].map((x) => Buffer.from(x).toString('hex')));
      if (i === 0) expect(entryId!.toString()).toBe(first);
    });
  });

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
        writePayloads: (b) => payloads.write(b.objects),
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

  it('processes an entry whose delivery was lost with the connection to Redis', async () => {
    const relay = await lossyRelay(inject('redisUrl'));
    const lossy = new Redis(relay.url, { maxRetriesPerRequest: null }); // as in main.ts
    const p = new Processor(
      new GroupConsumer(lossy, { stream, group: 'g', consumer: 'lossy' }),
      { writePayloads: (b) => payloads.write(b.objects), writeRows: (b) => writer.write(b) },
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

  it('sets aside an entry whose data storage keeps refusing, and the rest flows', async () => {
    const refusing: BatchSink = {
      writePayloads: (b) => payloads.write(b.objects),
      writeRows: (b) =>
        b.runs.some((r) => r.project_id === 'proj-poison')
          ? Promise.reject(
              Object.assign(new Error('Cannot parse input'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' })
            )
          : writer.write(b),
    };
    await enqueue(message('proj-ok-1', [runSpan]));
    await enqueue(message('proj-poison', [runSpan]));
    await enqueue(message('proj-ok-2', [runSpan]));
    const p = newProcessor('c4', { batchEntries: 10, maxAttempts: 3, retryBaseMillis: 5 }, refusing);
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.stats.deadLettered < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    while ((await redis.xpending(stream, 'g'))[0] !== 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-ok-1')).runs).toBe(1);
    expect((await counts('proj-ok-2')).runs).toBe(1);
    expect((await counts('proj-poison')).runs).toBe(0);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead.at(-1)![1].join(' ')).toMatch(/could not be stored after 3 attempts: Cannot parse input/);
  });

  it('never sets aside entries while storage is merely unreachable', async () => {
    let down = true;
    const outage: BatchSink = {
      writePayloads: (b) => payloads.write(b.objects),
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
      writePayloads: (b) => payloads.write(b.objects),
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

/**
 * What the processor's tests share: real Redis, the embedded ClickHouse over HTTP and s3rver, with
 * a database and a stream of the test file's own (each file loads this module afresh), and spans
 * of one run with one step and 300 decisions.
 */
import { randomBytes } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import * as C from '@xray/otel';
import { deadLetterStream, encodeQueueEntry, QUEUE_MESSAGE_VERSION, type QueueMessage } from '@xray/core/ingest';
import { MAX_RETENTION_DAYS, type XSpan } from '@xray/core/model';
import { loadMigrations } from '@xray/core/storage';
import { encodeOtlpJson } from '@xray/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { ClickHouseWriter } from './clickhouse.js';
import { RedisDeadLetters } from './dead-letters.js';
import { type BatchSink, Processor } from './processor.js';
import { PayloadWriter } from './s3.js';
import { GroupConsumer } from './stream.js';

const id = randomBytes(4).toString('hex');
const database = `t_proc_${id}`;
export const stream = `test:proc:${id}`;
export const s3Settings = {
  endpoint: inject('s3Endpoint'),
  region: 'us-east-1',
  bucket: inject('bucket'),
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};
export let redis: Redis;
export let ch: ClickHouseClient;
export let writer: ClickHouseWriter;
export let payloads: PayloadWriter;

/** Opens the clients and the schema before the file's tests, and removes both after them. */
export function useProcessorStorage(): void {
  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'));
    ch = createClient({ url: inject('clickhouseUrl'), database });
    // Rows at the fixed time T are kept whatever the date the tests run on.
    writer = new ClickHouseWriter({ url: inject('clickhouseUrl'), database, username: 'default', password: '' }, () =>
      Promise.resolve(MAX_RETENTION_DAYS)
    );
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
}

export const RUN = randomBytes(16).toString('hex');
export const STEP = randomBytes(8).toString('hex');
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

export const runSpan = xspan(C.SpanKinds.RUN, 'f'.repeat(16), {
  [C.ATTR_XRAY_PIPELINE_NAME]: 'p',
  [C.ATTR_XRAY_RUN_STEP_COUNT]: 1,
  [C.ATTR_XRAY_RUN_INPUT_COUNT]: 300,
  [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: 75,
});
export const stepSpan = xspan(
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
export const chunkSpan = xspan(
  C.SpanKinds.DECISIONS,
  randomBytes(8).toString('hex'),
  { [C.ATTR_XRAY_STEP_ID]: STEP },
  100,
  200
);

/** A message as the receiver writes it: the spans as an OTLP/JSON body, all of them accepted. */
export function message(projectId: string, spans: XSpan[]): QueueMessage {
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
export async function enqueue(m: QueueMessage | (string | Buffer)[]): Promise<string> {
  return (await redis.xadd(stream, '*', ...(Array.isArray(m) ? m : encodeQueueEntry(m))))!;
}

export function newProcessor(
  consumer = 'c1',
  options: Partial<ConstructorParameters<typeof Processor>[3]> = {},
  sink?: BatchSink
): Processor {
  const group = new GroupConsumer(redis, { stream, group: 'g', consumer });
  return new Processor(
    group,
    sink ?? { writePayloads: (b) => payloads.write(b), writeRows: (b) => writer.write(b) },
    new RedisDeadLetters(redis, deadLetterStream(stream)),
    { batchEntries: 50, blockMillis: 10, claimIdleMillis: 60_000, ...options }
  );
}

export async function drain(p: Processor): Promise<void> {
  while ((await p.runOnce()) > 0);
}

export async function counts(projectId: string, final = true) {
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

import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { DEFAULT_CONSUMER_GROUP, encodeQueueEntry, QUEUE_MESSAGE_VERSION } from '@xray/core/ingest';
import { type XSpan } from '@xray/core/model';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { encodeBatch, mapSpans, migrate, ITEM_DECISION_COLUMNS, Tables } from '@xray/core/storage';
import { encodeOtlpJson } from '@xray/core/testing';
import * as C from '@xray/otel';
import { Redis } from 'ioredis';
import { benchS3, type BenchStack } from './util.js';

const T = `${Date.now()}000000`;

/** The spans of one queue message, before encoding. */
export interface SyntheticMessage {
  projectId: string;
  spans: XSpan[];
}

/** Synthetic queue messages: `entries` messages, each with one step span of `decisions` decisions. */
export function syntheticMessages(projectId: string, entries: number, decisions: number): SyntheticMessage[] {
  return Array.from({ length: entries }, () => {
    const runId = randomBytes(16).toString('hex');
    const stepId = randomBytes(8).toString('hex');
    const span: XSpan = {
      traceId: runId,
      spanId: stepId,
      parentSpanId: randomBytes(8).toString('hex'),
      name: 'filter',
      startTimeUnixNano: T,
      endTimeUnixNano: T,
      status: { code: 0, message: '' },
      attributes: {
        [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.STEP,
        [C.ATTR_XRAY_RUN_ID]: runId,
        [C.ATTR_XRAY_STEP_ID]: stepId,
        [C.ATTR_XRAY_STEP_NAME]: 'filter',
        [C.ATTR_XRAY_STEP_INPUT_COUNT]: decisions,
        [C.ATTR_XRAY_DECISIONS_OFFSET]: 0,
      },
      events: Array.from({ length: decisions }, (_, i) => ({
        timeUnixNano: T,
        name: C.EVENT_XRAY_DECISION,
        attributes: {
          [C.ATTR_XRAY_DECISION_ITEM_ID]: `item-${i}`,
          [C.ATTR_XRAY_DECISION_OUTCOME]: i % 3 ? C.Outcomes.KEPT : C.Outcomes.ELIMINATED,
          [C.ATTR_XRAY_DECISION_REASON]: i % 3 ? 'passes' : `Missing required keywords: security`,
          [C.ATTR_XRAY_DECISION_SCORE]: i / decisions,
          [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ id: `item-${i}`, title: `Item ${i}` }),
        },
      })),
    };
    return { projectId, spans: [span] };
  });
}

/** The processor (a real process) draining pre-built entries: decode, map, S3, ClickHouse, ack. */
export async function processorRun(
  stack: BenchStack,
  messages: SyntheticMessage[]
): Promise<{ rows: number; seconds: number }> {
  const redis = new Redis(stack.settings.redisUrl);
  const rows = messages.reduce((n, m) => n + m.spans.reduce((k, s) => k + 1 + s.events.length, 0), 0);
  const group = DEFAULT_CONSUMER_GROUP;
  const before = await delivered(redis, stack.settings.stream, group);
  const started = performance.now();
  const pipeline = redis.pipeline();
  // As the receiver writes them: the OTLP body (JSON here) with the count of spans it accepted.
  for (const m of messages) {
    const body = Buffer.from(encodeOtlpJson(m.spans));
    pipeline.xadd(
      stack.settings.stream,
      '*',
      ...encodeQueueEntry({
        v: QUEUE_MESSAGE_VERSION,
        projectId: m.projectId,
        receivedAt: Date.now(),
        format: 'json',
        acceptedSpans: m.spans.length,
        body,
      })
    );
  }
  await pipeline.exec();
  for (;;) {
    const [pending] = (await redis.xpending(stack.settings.stream, group)) as [number];
    if ((await delivered(redis, stack.settings.stream, group)) - before >= messages.length && pending === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  redis.disconnect();
  return { rows, seconds };
}

async function delivered(redis: Redis, stream: string, group: string): Promise<number> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  const g = groups.map((fields) => Object.fromEntries(chunk(fields))).find((x) => x.name === group);
  return Number(g?.['entries-read'] ?? 0);
}

function chunk(fields: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([String(fields[i]), fields[i + 1]]);
  return out;
}

/**
 * Baseline: the same S3 objects PUT (8 at a time, as the processor does), then the same rows in
 * one bulk insert per table the processor writes (decision rows go to both decision_events and
 * item_decisions) through the same client, into a twin schema. Mapping and compression happen
 * before the clock starts: they are the processor's own work.
 */
export async function bulkInsert(
  stack: BenchStack,
  database: string,
  messages: SyntheticMessage[]
): Promise<{ rows: number; seconds: number }> {
  const clickhouseUrl = stack.storage.clickhouseUrl;
  const admin = createClient({ url: clickhouseUrl });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await admin.close();
  const ch = createClient({ url: clickhouseUrl, database });
  await migrate(ch);
  const batch = await encodeBatch(
    mapSpans(
      `${messages[0]!.projectId}-bulk`,
      messages.flatMap((m) => m.spans)
    )
  );
  const s3 = benchS3(stack);
  const bucket = stack.settings.bucket;
  const started = performance.now();
  let next = 0;
  const put = async () => {
    while (next < batch.objects.length) {
      const o = batch.objects[next++]!;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, put));
  await ch.insert({ table: Tables.STEPS, values: batch.steps, format: 'JSONEachRow' });
  // As the processor writes them: side by side, item_decisions with its own columns only.
  await Promise.all([
    ch.insert({ table: Tables.DECISIONS, values: batch.decisions, format: 'JSONEachRow' }),
    ch.insert({
      table: Tables.ITEM_DECISIONS,
      values: batch.decisions,
      format: 'JSONEachRow',
      columns: [...ITEM_DECISION_COLUMNS],
      clickhouse_settings: { input_format_skip_unknown_fields: 1 },
    }),
  ]);
  const seconds = (performance.now() - started) / 1000;
  await ch.close();
  s3.destroy();
  return { rows: batch.steps.length + batch.decisions.length, seconds };
}

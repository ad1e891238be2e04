/**
 * What the retention and janitor tests share: the embedded ClickHouse with a database of the test
 * file's own, the run's s3rver bucket (keys under the file's own projects), and runs written as
 * the processor writes them (core's mapping, then the PUTs and inserts), each stamped with the
 * retention the test chose for its project.
 */
import { randomBytes } from 'node:crypto';
import { ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { DEFAULT_RETENTION_DAYS, type XSpan } from '@xray/core/model';
import { clickhouseSql, type RetentionDeps, s3Objects } from '@xray/core/retention';
import { encodeBatch, loadMigrations, mapSpans, s3ClientConfig } from '@xray/core/storage';
import * as C from '@xray/otel';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { s3Settings } from './processor.fixture.js';
import { ClickHouseWriter } from './clickhouse.js';
import { PayloadWriter } from './s3.js';

const id = randomBytes(4).toString('hex');
export const database = `t_ret_${id}`;
/** A project id of this file's own. */
export const project = (name: string) => `ret-${id}-${name}`;
export const DAY_MS = 86_400_000;

// The run's s3rver bucket, as the processor tests reach it.
export { s3Settings };

/** The retention each project's rows are stamped with as they are written (default 30 days). */
export const stamps = new Map<string, number>();
export let ch: ClickHouseClient;
export let s3: S3Client;
export let deps: RetentionDeps;
let writer: ClickHouseWriter;
let payloads: PayloadWriter;

/** Opens the clients and the schema before the file's tests, and drops the database after them. */
export function useRetentionStorage(): void {
  beforeAll(async () => {
    ch = createClient({ url: inject('clickhouseUrl'), database });
    s3 = new S3Client(s3ClientConfig(s3Settings));
    writer = new ClickHouseWriter({ url: inject('clickhouseUrl'), database, username: 'default', password: '' }, (p) =>
      Promise.resolve(stamps.get(p) ?? DEFAULT_RETENTION_DAYS)
    );
    payloads = new PayloadWriter(s3Settings);
    expect(await writer.migrate()).toEqual(loadMigrations().map((m) => m.version));
    deps = { sql: clickhouseSql(ch), objects: s3Objects(s3, s3Settings.bucket) };
  });
  afterAll(async () => {
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await ch.close();
    await writer.close();
    payloads.close();
    s3.destroy();
  });
}

export interface WrittenRun {
  runId: string;
  /** The UTC day its spans started on. */
  day: string;
}

/**
 * Writes a run of one step with 3 decisions at `atMs` (the step `stepAfterMs` later): rows in
 * every table, a span object per step and run, and one value large enough to be stored by content
 * (`sha256/`).
 */
export async function writeRun(projectId: string, atMs: number, stepAfterMs = 0): Promise<WrittenRun> {
  const runId = randomBytes(16).toString('hex');
  const stepId = randomBytes(8).toString('hex');
  const span = (kind: string, spanId: string, attributes: XSpan['attributes'], events = 0): XSpan => {
    const at = `${atMs + (kind === C.SpanKinds.RUN ? 0 : stepAfterMs)}000000`;
    return {
      traceId: runId,
      spanId,
      parentSpanId: kind === C.SpanKinds.RUN ? '' : 'f'.repeat(16),
      name: kind,
      startTimeUnixNano: at,
      endTimeUnixNano: at,
      attributes: { [C.ATTR_XRAY_SPAN_KIND]: kind, [C.ATTR_XRAY_RUN_ID]: runId, ...attributes },
      events: Array.from({ length: events }, (_, i) => ({
        timeUnixNano: at,
        name: C.EVENT_XRAY_DECISION,
        attributes: {
          [C.ATTR_XRAY_DECISION_ITEM_ID]: `item-${i}`,
          [C.ATTR_XRAY_DECISION_OUTCOME]: i % 2 === 0 ? 'kept' : 'eliminated',
          [C.ATTR_XRAY_DECISION_REASON]: `because ${i}`,
          // The first input is over DEDUP_MIN_BYTES: stored once by content.
          [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ i, text: i === 0 ? 'x'.repeat(4096) + runId : '' }),
        },
      })),
      status: { code: 0, message: '' },
    };
  };
  const spans = [
    span(C.SpanKinds.RUN, 'f'.repeat(16), {
      [C.ATTR_XRAY_PIPELINE_NAME]: 'p',
      [C.ATTR_XRAY_RUN_STEP_COUNT]: 1,
      [C.ATTR_XRAY_RUN_OUTPUT]: JSON.stringify({ done: true }),
    }),
    span(C.SpanKinds.STEP, stepId, { [C.ATTR_XRAY_STEP_ID]: stepId, [C.ATTR_XRAY_STEP_NAME]: 'filter' }, 3),
  ];
  const batch = await encodeBatch(mapSpans(projectId, spans));
  await payloads.write(batch);
  await writer.write(batch);
  return { runId, day: new Date(atMs).toISOString().slice(0, 10) };
}

/** Rows of a project (FINAL: each once) in every table, or of one run. */
export async function rowCounts(projectId: string, runId?: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['runs', 'steps', 'decision_events', 'item_decisions', 'deletions']) {
    const run = runId === undefined ? '' : ' AND run_id = {r:String}';
    const result = await ch.query({
      query: `SELECT count() AS n FROM ${table} FINAL WHERE project_id = {p:String}${run}`,
      query_params: { p: projectId, r: runId },
      format: 'JSONEachRow',
    });
    counts[table] = Number((await result.json<{ n: string }>())[0]!.n);
  }
  return counts;
}

/** Every key under `prefix` (ListObjects v1, by marker). */
export async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (let marker: string | undefined; ;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: s3Settings.bucket, Prefix: prefix, Marker: marker }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    if (!page.IsTruncated || !page.Contents?.length) return keys;
    marker = keys.at(-1);
  }
}

/** PUTs `count` small objects under `prefix`, 16 at a time. */
export async function putObjects(prefix: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const key = `${prefix}${String(next++).padStart(5, '0')}.jsonl.br`;
      await s3.send(new PutObjectCommand({ Bucket: s3Settings.bucket, Key: key, Body: 'x' }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

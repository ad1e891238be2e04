/**
 * What the route tests share: the query app in process over the real reader ports, a database of
 * their own (every migration) in the test run's embedded ClickHouse, the run's s3rver bucket (keys
 * under each test's own projects), a real key store (a file), and runs written as the processor
 * writes them (core's span → rows mapping, then the inserts and PUTs).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import {
  createAuthenticator,
  createKey,
  createProject,
  createRetentionLookup,
  DEFAULT_RETENTION_DAYS,
  openKeyStore,
  setRetention,
} from '@xray/auth';
import { MAX_RETENTION_DAYS } from '@xray/core/model';
import { clickhouseSql, deleteRun, s3Objects } from '@xray/core/retention';
import {
  blobKey,
  blobObject,
  compressPayload,
  encodeBatch,
  migrate,
  mapSpans,
  ITEM_DECISION_COLUMNS,
  s3ClientConfig,
  Tables,
} from '@xray/core/storage';
import * as C from '@xray/otel';
import { inject } from 'vitest';
import type { AlertStore } from '../alerts/store.js';
import { createApp } from '../app.js';
import { clickhouseRows, s3Payloads } from '../store.js';
import { type RunSpec, runSpans, type WrittenRun } from './spans.fixture.js';

export type { DecisionSpec, RunSpec, StepSpec, WrittenRun } from './spans.fixture.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** Now as ClickHouse reads a DateTime64(3) from text: `YYYY-MM-DD hh:mm:ss.sss` (UTC). */
const clickhouseNow = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

export interface RouteStack {
  /** GETs a path from the app in process with the first project's read key (`as`: another key, or none). */
  get<T = unknown>(path: string, as?: string | null): Promise<{ status: number; body: T }>;
  /** Sends any request, with the first project's read key unless it sets `authorization`. */
  request<T = unknown>(path: string, init: RequestInit): Promise<{ status: number; body: T }>;
  /** The app's response as it is (a streamed body), with the first project's read key unless `init` sets headers. */
  raw(path: string, init?: RequestInit): Promise<Response>;
  /** Writes runs of `project` (default the first) as the processor would. */
  write(specs: RunSpec[], project?: string): Promise<WrittenRun[]>;
  /**
   * Stores a value's JSON by reference as the receiver does (compressed, its size beside it) under
   * `project` (default the first); the reference an SDK would send. `upload: false` only makes the reference.
   */
  storeValue(json: string, o?: { project?: string; day?: string; upload?: boolean }): Promise<string>;
  /** Read keys by project, and one ingest key of the first project. */
  keys: Record<string, string> & { ingest: string };
  /** Admin keys by project. */
  adminKeys: Record<string, string>;
  projects: string[];
  /** Sets a project's own retention (default the first project's), as `xray set retention` does. */
  setRetention(days: number, project?: string): Promise<void>;
  /**
   * Writes a run's tombstone as a deletion does first (`done: false`: still in progress), and with
   * `removeRun` removes the run row, as a deletion does next.
   */
  tombstone(runId: string, o?: { done?: boolean; project?: string; removeRun?: boolean }): Promise<void>;
  /** Rows of `table` of one run of the first project. */
  count(table: string, runId: string): Promise<number>;
  /** Keys of a run's span objects in S3 (`<project>/payloads/<day>/<runId>/…`), of the first project unless said. */
  runObjects(runId: string, project?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A stack for one test file, named after `label`: two projects of its own, and the alert routes over `alerts`. */
export async function openRouteStack(label: string, alerts?: AlertStore): Promise<RouteStack> {
  const id = `${label}_${hex(4)}`;
  const database = `t_q_${id}`;
  const admin = createClient({ url: inject('clickhouseUrl') });
  await admin.command({ query: `CREATE DATABASE ${database}` }).finally(() => admin.close());
  const ch: ClickHouseClient = createClient({ url: inject('clickhouseUrl'), database });
  await migrate(ch);
  const bucket = inject('bucket');
  const s3 = new S3Client(
    s3ClientConfig({
      endpoint: inject('s3Endpoint'),
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      bucket,
    })
  );
  const dir = await mkdtemp(join(tmpdir(), 'xray-query-keys-'));
  const store = openKeyStore(`file:${join(dir, 'keys.json')}`);
  const projects = ['a', 'b'].map((p) => `${p}-${id}`.replace(/_/g, '-').toLowerCase());
  const keys: Record<string, string> = {};
  const adminKeys: Record<string, string> = {};
  for (const p of projects) {
    await createProject(store, p);
    keys[p] = (await createKey(store, p, 'read')).key;
    adminKeys[p] = (await createKey(store, p, 'admin')).key;
  }
  const ingest = (await createKey(store, projects[0]!, 'ingest')).key;
  const app = createApp({
    rows: clickhouseRows(ch),
    payloads: s3Payloads(s3, bucket),
    authenticate: createAuthenticator(store, { kind: ['read', 'admin'], cacheMillis: 0 }),
    retention: createRetentionLookup(store, DEFAULT_RETENTION_DAYS, { cacheMillis: 0 }),
    deletions: {
      deleteRun: (projectId, runId) =>
        deleteRun({ sql: clickhouseSql(ch), objects: s3Objects(s3, bucket) }, projectId, runId),
    },
    alerts,
  });
  async function putValue(key: string, json: string) {
    const body = await compressPayload(Buffer.from(json, 'utf8'));
    await s3.send(new PutObjectCommand({ Bucket: bucket, ...blobObject(key, body, Buffer.byteLength(json)) }));
  }
  async function raw(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${keys[projects[0]!]!}`);
    return app.request(path, { ...init, headers });
  }
  async function request<T>(path: string, init: RequestInit) {
    const headers = new Headers(init.headers);
    if (!init.headers) headers.set('authorization', `Bearer ${keys[projects[0]!]!}`);
    const res = await app.request(path, { ...init, headers });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
  }
  return {
    projects,
    keys: { ...keys, ingest },
    adminKeys,
    async setRetention(days, project = projects[0]!) {
      await setRetention(store, project, days, DEFAULT_RETENTION_DAYS);
    },
    async tombstone(runId, { done = false, project = projects[0]!, removeRun = false } = {}) {
      await ch.insert({
        table: Tables.DELETIONS,
        values: [
          { project_id: project, run_id: runId, deleted_at: clickhouseNow(), done: done ? 1 : 0, retention_days: 30 },
        ],
        format: 'JSONEachRow',
      });
      if (removeRun)
        await ch.command({
          query: `DELETE FROM ${Tables.RUNS} WHERE project_id = {p:String} AND run_id = {r:String}`,
          query_params: { p: project, r: runId },
        });
    },
    async count(table, runId) {
      const result = await ch.query({
        query: `SELECT count() AS n FROM ${table} WHERE project_id = {p:String} AND run_id = {r:String}`,
        query_params: { p: projects[0]!, r: runId },
        format: 'JSONEachRow',
      });
      return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
    },
    async runObjects(runId, project = projects[0]!) {
      const found: string[] = [];
      for await (const page of s3Objects(s3, bucket).keys(`${project}/payloads/`))
        found.push(...page.filter((key) => key.includes(`/${runId}/`)));
      return found;
    },
    get: (path, as = keys[projects[0]!]!) =>
      request(path, { headers: as === null ? {} : { authorization: `Bearer ${as}` } }),
    request,
    raw,
    async storeValue(
      json,
      { project = projects[0]!, day = new Date().toISOString().slice(0, 10), upload = true } = {}
    ) {
      const ref = {
        day,
        sha256: createHash('sha256').update(json, 'utf8').digest('hex'),
        bytes: Buffer.byteLength(json),
      };
      if (upload) await putValue(blobKey(project, ref), json);
      return C.formatPayloadRef(ref);
    },
    async write(specs, project = projects[0]!) {
      const made = specs.map(runSpans);
      const batch = await encodeBatch(
        mapSpans(
          project,
          made.flatMap((m) => m.spans)
        )
      );
      if (batch.skipped.length) throw new Error(`the mapping skipped ${JSON.stringify(batch.skipped)}`);
      await Promise.all([
        ...[...batch.blobs.values()].map((blob) => putValue(blob.key, blob.text)),
        ...batch.objects.map((o) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body }))),
      ]);
      const insert = (table: string, values: readonly object[], columns?: readonly string[]) =>
        values.length
          ? ch.insert({
              table,
              // Kept whatever the date the tests run on (some specs use fixed times).
              values: values.map((v) => ({ ...v, retention_days: MAX_RETENTION_DAYS })),
              format: 'JSONEachRow',
              ...(columns ? { columns: [...columns] as [string, ...string[]] } : {}),
              clickhouse_settings: { input_format_skip_unknown_fields: 1 },
            })
          : Promise.resolve();
      await insert(Tables.RUNS, batch.runs);
      await insert(Tables.STEPS, batch.steps);
      await insert(Tables.DECISIONS, batch.decisions);
      await insert(Tables.ITEM_DECISIONS, batch.decisions, ITEM_DECISION_COLUMNS);
      return made.map((m) => m.run);
    },
    async close() {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).finally(() => ch.close());
      s3.destroy();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

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
import { createAuthenticator, createKey, createProject, openKeyStore } from '@xray/auth';
import { MAX_RETENTION_DAYS, type Attributes, type XEvent, type XSpan } from '@xray/core/model';
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

/** A decision: item, outcome, reason, and optionally a reason code, score and payload. */
export type DecisionSpec = [
  itemId: string,
  outcome: 'kept' | 'eliminated' | 'scored',
  reason: string,
  extra?: { code?: string; score?: number; input?: unknown; important?: boolean; attributes?: Attributes },
];

export interface StepSpec {
  name: string;
  type?: string;
  /** Counts default to what the decisions say. */
  input?: number;
  decisions: DecisionSpec[];
  /** Index of the enclosing step, for a nested step. */
  parent?: number;
  /** error: the step failed (the SDK's failStep: its output count is what its decisions kept, 0 without any). */
  status?: 'ok' | 'error';
  /** More attributes of the step span (e.g. a payload reference). */
  attributes?: Attributes;
}

export interface RunSpec {
  pipeline: string;
  /** When the run started, in ms since the epoch (default: now). */
  at?: number;
  status?: 'ok' | 'error';
  steps: StepSpec[];
  /** More attributes of the run span (e.g. a payload reference). */
  attributes?: Attributes;
}

export interface WrittenRun {
  runId: string;
  stepIds: string[];
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nanos = (ms: number) => `${ms}000000`;

/** The spans an SDK would send for `spec`. */
export function runSpans(spec: RunSpec): { run: WrittenRun; spans: XSpan[] } {
  const runId = hex(16);
  const runSpanId = hex(8);
  const start = spec.at ?? Date.now();
  const stepIds = spec.steps.map(() => hex(8));
  const span = (
    spanId: string,
    kind: string,
    startMs: number,
    attributes: XSpan['attributes'],
    events: XEvent[] = [],
    status = spec.status
  ) => ({
    traceId: runId,
    spanId,
    parentSpanId: kind === C.SpanKinds.RUN ? '' : runSpanId,
    name: kind,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + 10),
    attributes: { [C.ATTR_XRAY_SPAN_KIND]: kind, [C.ATTR_XRAY_RUN_ID]: runId, ...attributes },
    events,
    status: { code: status === 'error' ? 2 : 0, message: status === 'error' ? 'it broke' : '' },
  });
  // A step fails with its run unless it says otherwise.
  const statusOf = (st: StepSpec) => st.status ?? spec.status ?? C.RunStatuses.OK;
  const steps = spec.steps.map((st, i) => {
    const counts = (outcome: string) => st.decisions.filter(([, o]) => o === outcome).length;
    const input = st.input ?? st.decisions.length;
    const events = st.decisions.map(([itemId, outcome, reason, extra = {}]) => ({
      timeUnixNano: nanos(start + i + 1),
      name: C.EVENT_XRAY_DECISION,
      attributes: {
        [C.ATTR_XRAY_DECISION_ITEM_ID]: itemId,
        [C.ATTR_XRAY_DECISION_OUTCOME]: outcome,
        [C.ATTR_XRAY_DECISION_REASON]: reason,
        ...(extra.code ? { [C.ATTR_XRAY_DECISION_REASON_CODE]: extra.code } : {}),
        ...(extra.score !== undefined ? { [C.ATTR_XRAY_DECISION_SCORE]: extra.score } : {}),
        ...(extra.important ? { [C.ATTR_XRAY_DECISION_IMPORTANT]: true } : {}),
        ...(extra.input !== undefined ? { [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify(extra.input) } : {}),
        ...extra.attributes,
      },
    }));
    return span(
      stepIds[i]!,
      C.SpanKinds.STEP,
      start + i + 1,
      {
        [C.ATTR_XRAY_STEP_ID]: stepIds[i]!,
        [C.ATTR_XRAY_STEP_NAME]: st.name,
        [C.ATTR_XRAY_STEP_TYPE]: st.type ?? C.StepTypes.FILTER,
        [C.ATTR_XRAY_STEP_INDEX]: i,
        [C.ATTR_XRAY_STEP_INPUT_COUNT]: input,
        [C.ATTR_XRAY_STEP_STATUS]: statusOf(st),
        [C.ATTR_XRAY_STEP_OUTPUT_COUNT]:
          statusOf(st) === 'error' ? counts('kept') + counts('scored') : input - counts('eliminated'),
        [C.ATTR_XRAY_STEP_KEPT_COUNT]: counts('kept'),
        [C.ATTR_XRAY_STEP_ELIMINATED_COUNT]: counts('eliminated'),
        [C.ATTR_XRAY_STEP_SCORED_COUNT]: counts('scored'),
        [C.ATTR_XRAY_STEP_DECISION_COUNT]: st.decisions.length,
        [C.ATTR_XRAY_STEP_INPUT]: JSON.stringify({ step: st.name }),
        ...(st.parent !== undefined ? { [C.ATTR_XRAY_STEP_PARENT_ID]: stepIds[st.parent]! } : {}),
        ...st.attributes,
      },
      events,
      statusOf(st)
    );
  });
  const top = spec.steps.filter((st) => st.parent === undefined);
  const first = top[0]?.input ?? top[0]?.decisions.length ?? 0;
  const last = top.reduce((left, st) => left - st.decisions.filter(([, o]) => o === 'eliminated').length, first);
  const run = span(runSpanId, C.SpanKinds.RUN, start, {
    [C.ATTR_XRAY_PIPELINE_NAME]: spec.pipeline,
    [C.ATTR_XRAY_RUN_STEP_COUNT]: top.length,
    [C.ATTR_XRAY_RUN_FAILED_STEP_COUNT]: spec.steps.filter((st) => statusOf(st) === 'error').length,
    [C.ATTR_XRAY_RUN_INPUT_COUNT]: first,
    [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: last,
    [C.ATTR_XRAY_RUN_INPUT]: JSON.stringify({ query: spec.pipeline }),
    ...spec.attributes,
  });
  return { run: { runId, stepIds }, spans: [run, ...steps] };
}

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
  projects: string[];
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
  for (const p of projects) {
    await createProject(store, p);
    keys[p] = (await createKey(store, p, 'read')).key;
  }
  const ingest = (await createKey(store, projects[0]!, 'ingest')).key;
  const app = createApp({
    rows: clickhouseRows(ch),
    payloads: s3Payloads(s3, bucket),
    authenticate: createAuthenticator(store, { kind: 'read', cacheMillis: 0 }),
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

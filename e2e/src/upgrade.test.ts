/**
 * Upgrading keeps data: a store written by the schema before retention (migrations 001-007, rows as
 * that version's processor wrote them) answers every debugging question exactly as the same runs
 * ingested fresh by this version do, once the processor has migrated it on start. Decisions stored
 * before the item table existed (migration 006 did not copy them) are found by item after the upgrade.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { XSpan } from '@xray/core/model';
import { encodeBatch, loadMigrations, mapSpans, migrate, s3ClientConfig, Tables } from '@xray/core/storage';
import { encodeOtlpJson } from '@xray/core/testing';
import * as C from '@xray/otel';
import { freePort, type Services, startServices } from '@xray/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const ITEMS = Array.from({ length: 40 }, (_, i) => `item-${i}`);
const STEPS = ['retrieve', 'filter', 'rank'];

/** One run's spans; `variant` changes which items a step eliminates (so two runs have a diff). */
function runSpans(startMs: number, variant: number): { runId: string; stepIds: string[]; spans: XSpan[] } {
  const runId = hex(16);
  const runSpanId = hex(8);
  const stepIds = STEPS.map(() => hex(8));
  const nanos = (ms: number) => `${ms}000000`;
  let alive = ITEMS;
  const steps = STEPS.map((name, i): XSpan => {
    const events = alive.map((item, seq) => {
      const out = (seq + variant + i) % 4 === 0;
      return {
        timeUnixNano: `${nanos(startMs + i + 1).slice(0, -6)}${String(seq).padStart(6, '0')}`,
        name: C.EVENT_XRAY_DECISION,
        attributes: {
          [C.ATTR_XRAY_DECISION_ITEM_ID]: item,
          [C.ATTR_XRAY_DECISION_OUTCOME]: out ? C.Outcomes.ELIMINATED : C.Outcomes.KEPT,
          [C.ATTR_XRAY_DECISION_REASON]: out ? `${name} dropped ${item}` : 'passed',
          [C.ATTR_XRAY_DECISION_REASON_CODE]: out ? `${name.toUpperCase()}_DROP` : 'PASS',
          [C.ATTR_XRAY_DECISION_SCORE]: (seq % 10) / 10,
          [C.ATTR_XRAY_DECISION_INPUT]: JSON.stringify({ item, step: name }),
        },
      };
    });
    const kept = alive.filter((_, seq) => (seq + variant + i) % 4 !== 0);
    const span: XSpan = {
      traceId: runId,
      spanId: stepIds[i]!,
      parentSpanId: runSpanId,
      name,
      startTimeUnixNano: nanos(startMs + i + 1),
      endTimeUnixNano: nanos(startMs + i + 2),
      attributes: {
        [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.STEP,
        [C.ATTR_XRAY_RUN_ID]: runId,
        [C.ATTR_XRAY_STEP_ID]: stepIds[i]!,
        [C.ATTR_XRAY_STEP_NAME]: name,
        [C.ATTR_XRAY_STEP_INDEX]: i,
        [C.ATTR_XRAY_STEP_INPUT_COUNT]: alive.length,
        [C.ATTR_XRAY_STEP_OUTPUT_COUNT]: kept.length,
        [C.ATTR_XRAY_STEP_KEPT_COUNT]: kept.length,
        [C.ATTR_XRAY_STEP_ELIMINATED_COUNT]: alive.length - kept.length,
        [C.ATTR_XRAY_STEP_DECISION_COUNT]: alive.length,
      },
      events,
      status: { code: 0, message: '' },
    };
    alive = kept;
    return span;
  });
  const run: XSpan = {
    traceId: runId,
    spanId: runSpanId,
    parentSpanId: '',
    name: 'search',
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + 10),
    attributes: {
      [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.RUN,
      [C.ATTR_XRAY_RUN_ID]: runId,
      [C.ATTR_XRAY_PIPELINE_NAME]: 'search',
      [C.ATTR_XRAY_RUN_INPUT_COUNT]: ITEMS.length,
      [C.ATTR_XRAY_RUN_OUTPUT_COUNT]: alive.length,
      [C.ATTR_XRAY_RUN_STEP_COUNT]: STEPS.length,
    },
    events: [],
    status: { code: 0, message: '' },
  };
  return { runId, stepIds, spans: [run, ...steps] };
}

/** Replaces every id of `ids` in a JSON answer by its position, so answers about two copies compare equal. */
function normalise(value: unknown, ids: string[]): unknown {
  let text = JSON.stringify(value);
  ids.forEach((id, i) => (text = text.replaceAll(id, `<id${i}>`)));
  return JSON.parse(text);
}

describe('upgrading a store written before retention', () => {
  const id = hex(4);
  const database = `t_upgrade_${id}`;
  const projectId = `upgrade-${id}`;
  const start = Date.now() - 3_600_000;
  // Copy A: in the old store before the upgrade (its third run before the item table existed).
  // Copy B: the same runs sent to this version's receiver after it.
  const copyA = [0, 1, 2].map((v) => runSpans(start + v * 60_000, v));
  const copyB = [0, 1, 2].map((v) => runSpans(start + v * 60_000 + 30_000, v));
  let ch: ClickHouseClient;
  let services: Services;

  beforeAll(async () => {
    const admin = createClient({ url: inject('clickhouseUrl') });
    await admin.command({ query: `CREATE DATABASE ${database}` }).finally(() => admin.close());
    ch = createClient({ url: inject('clickhouseUrl'), database });
    const old = loadMigrations().filter((m) => m.version <= 7);
    await migrate(ch, { migrations: old });
    // As the version before retention wrote them: every table whole, item_decisions without the
    // payload reference; the decisions of the third run before migration 006 (decision_events only).
    const batch = await encodeBatch(
      mapSpans(
        projectId,
        copyA.flatMap((r) => r.spans)
      )
    );
    const s3 = new S3Client(
      s3ClientConfig({
        endpoint: inject('s3Endpoint'),
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        bucket: inject('bucket'),
      })
    );
    for (const o of batch.objects)
      await s3.send(new PutObjectCommand({ Bucket: inject('bucket'), Key: o.key, Body: o.body }));
    s3.destroy();
    const insert = (table: string, values: object[], except?: [string, ...string[]]) =>
      ch.insert({ table, values, format: 'JSONEachRow', ...(except ? { columns: { except } } : {}) });
    await insert(Tables.RUNS, batch.runs);
    await insert(Tables.STEPS, batch.steps);
    await insert(Tables.DECISIONS, batch.decisions);
    const beforeItems = batch.decisions.filter((d) => d.run_id !== copyA[2]!.runId);
    await insert(Tables.ITEM_DECISIONS, beforeItems, ['payload_key', 'payload_offset', 'payload_length']);

    // This version's services on that store: the processor migrates it as it starts.
    services = await startServices({
      clickhouseUrl: inject('clickhouseUrl'),
      s3Endpoint: inject('s3Endpoint'),
      redisUrl: inject('redisUrl'),
      bucket: inject('bucket'),
      database,
      projectId,
      stream: `test:upgrade-${id}:spans`,
      authStore: `redis:test:upgrade-${id}:auth`,
      receiverPort: await freePort(),
      queryPort: await freePort(),
      processorPort: await freePort(),
      env: { PROCESSOR_BLOCK_MS: '100', XRAY_ALERTS_PREFIX: `test:upgrade-${id}:alerts` },
      onLine: (name, line) => {
        if (process.env.XRAY_TEST_VERBOSE || /error|fail|cannot/i.test(line))
          process.stderr.write(`[${name}] ${line}\n`);
      },
    });
    const res = await fetch(`${services.receiverUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${services.keys.ingestKey}` },
      body: encodeOtlpJson(copyB.flatMap((r) => r.spans)),
    });
    expect(res.status).toBe(200);
    // Until the processor has stored copy B.
    for (let i = 0; i < 200; i++) {
      const [row] = await (
        await ch.query({
          query: `SELECT count() AS n FROM decision_events FINAL WHERE run_id IN {runs:Array(String)}`,
          query_params: { runs: copyB.map((r) => r.runId) },
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>();
      if (Number(row!.n) === Number(batch.decisions.length)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    await services?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${database}` }).finally(() => ch.close());
  });

  const get = async (path: string) => {
    const res = await fetch(`${services.queryUrl}${path}`, {
      headers: { authorization: `Bearer ${services.keys.readKey}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** Every question about run `i` of a copy, with the copy's ids replaced by positions. */
  async function answers(copy: typeof copyA, i: number) {
    const run = copy[i]!;
    const ids = [...copy.map((r) => r.runId), ...copy.flatMap((r) => r.stepIds)];
    const paths = [
      `/v1/runs/${run.runId}`,
      `/v1/runs/${run.runId}/steps`,
      `/v1/runs/${run.runId}/diff/${copy[(i + 1) % 3]!.runId}`,
      `/v1/runs/${run.runId}/items/item-4`,
      ...run.stepIds.flatMap((s) => [
        `/v1/steps/${s}/decisions?limit=100`,
        `/v1/steps/${s}/decisions?outcome=eliminated`,
        `/v1/steps/${s}/reasons`,
      ]),
      `/v1/decisions/${run.stepIds[1]}-3`,
    ];
    const out: Record<string, unknown> = {};
    for (const path of paths) {
      const { status, body } = await get(path);
      out[normalise(path, ids) as string] = { status, body: normalise(body, ids) };
    }
    return out;
  }

  it('migrated the schema to this version', async () => {
    const rows = await (
      await ch.query({ query: 'SELECT max(version) AS v FROM schema_migrations', format: 'JSONEachRow' })
    ).json<{ v: number }>();
    expect(Number(rows[0]!.v)).toBe(Math.max(...loadMigrations().map((m) => m.version)));
  });

  it('answers every question about the upgraded runs as about the same runs ingested fresh', async () => {
    for (const i of [0, 1, 2]) {
      const before = await answers(copyA, i);
      const fresh = await answers(copyB, i);
      // Decision times differ by the copies' 30 s offset only: compare everything else.
      const times = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"'));
      expect(times(before)).toEqual(times(fresh));
      for (const answer of Object.values(before)) expect((answer as { status: number }).status).toBe(200);
    }
  });

  it('finds by item the decisions stored before the item table existed', async () => {
    const { status, body } = await get(`/v1/runs/${copyA[2]!.runId}/items/item-4`);
    expect(status).toBe(200);
    expect((body.decisions as unknown[]).length).toBeGreaterThan(0);
    const across = await get(`/v1/items/item-4/runs?limit=50`);
    const runs = (across.body.runs as { runId: string }[]).map((r) => r.runId);
    for (const r of [...copyA, ...copyB]) expect(runs).toContain(r.runId);
  });
});

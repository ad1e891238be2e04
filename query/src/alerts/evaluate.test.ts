import { randomBytes } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { MAX_RETENTION_DAYS } from '@xray/core/model';
import { migrate } from '@xray/core/storage';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { clickhouseRows, type RowReader } from '../store.js';
import { evaluateRule } from './evaluate.js';
import type { AlertRule } from '@xray/core/api';

// Rule values computed by the real ClickHouse, over rows written with chosen times.
const database = `t_alerts_${randomBytes(4).toString('hex')}`;
const now = Date.parse('2026-11-20T12:00:00Z');
// Rows at fixed times are kept whatever the date the tests run on.
const KEEP = MAX_RETENTION_DAYS;
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString().replace('T', ' ').replace('Z', '');
let ch: ClickHouseClient;
let rows: RowReader;

const base = { id: '0123456789abcdef', createdAt: '2026-11-20T00:00:00Z', name: 'r', webhook: 'http://127.0.0.1/' };
const ratio = (windowSeconds: number): AlertRule => ({
  ...base,
  kind: 'elimination_ratio',
  pipeline: 'search',
  step: 'filter',
  condition: 'above',
  threshold: 0.5,
  windowSeconds,
});
const share = (extra: Partial<AlertRule & { kind: 'reason_share' }>): AlertRule => ({
  ...base,
  kind: 'reason_share',
  pipeline: 'search',
  step: 'filter',
  condition: 'above',
  reasonCode: 'missing',
  threshold: 0.5,
  windowSeconds: 300,
  ...extra,
});
const watch = (windowSeconds: number): AlertRule => ({
  ...base,
  kind: 'item_eliminated',
  items: ['w1', 'w2', 'w3'],
  threshold: 0,
  windowSeconds,
});

function decisions(
  stepId: string,
  runId: string,
  secondsAgo: number,
  codes: [code: string, outcome: string, item?: string][]
) {
  return codes.map(([code, outcome, item], seq) => ({
    project_id: 'p',
    run_id: runId,
    step_id: stepId,
    seq,
    item_id: item ?? `${stepId}-${seq}`,
    outcome,
    reason: code === 'missing' ? 'Missing keywords' : 'Fine',
    reason_code: code,
    timestamp: at(secondsAgo),
    retention_days: KEEP,
  }));
}

beforeAll(async () => {
  ch = createClient({ url: inject('clickhouseUrl') });
  await ch.command({ query: `CREATE DATABASE ${database}` });
  await ch.close();
  ch = createClient({ url: inject('clickhouseUrl'), database });
  await migrate(ch);
  rows = clickhouseRows(ch);
  const run = (run_id: string, pipeline: string, started: number, ended: number, project_id = 'p') => ({
    project_id,
    run_id,
    pipeline,
    status: 'ok',
    started_at: at(started),
    ended_at: at(ended),
    retention_days: KEEP,
  });
  const step = (run_id: string, step_id: string, started: number, input_count: number, eliminated_count: number) => ({
    project_id: 'p',
    retention_days: KEEP,
    run_id,
    step_id,
    name: 'filter',
    started_at: at(started),
    ended_at: at(started - 1),
    input_count,
    eliminated_count,
  });
  await ch.insert({
    table: 'runs',
    format: 'JSONEachRow',
    values: [run('r-now', 'search', 100, 90), run('r-old', 'search', 460, 440), run('r-other', 'other', 60, 40)],
  });
  // s-now written twice, as a re-delivery would: counted once.
  await ch.insert({
    table: 'steps',
    format: 'JSONEachRow',
    values: [
      step('r-now', 's-now', 95, 100, 90),
      step('r-old', 's-old', 450, 100, 10),
      step('r-other', 's-other', 50, 100, 100),
    ],
  });
  await ch.insert({ table: 'steps', format: 'JSONEachRow', values: [step('r-now', 's-now', 95, 100, 90)] });
  await ch.insert({
    table: 'decision_events',
    format: 'JSONEachRow',
    values: [
      ...decisions('s-now', 'r-now', 95, [
        ['missing', 'eliminated', 'w1'],
        ...Array.from({ length: 7 }, (): [string, string] => ['missing', 'eliminated']),
        ['ok', 'kept', 'w3'],
        ['ok', 'kept'],
      ]),
      ...decisions('s-old', 'r-old', 450, [
        ['missing', 'eliminated', 'w2'],
        ...Array.from({ length: 9 }, (): [string, string] => ['ok', 'kept']),
      ]),
      ...decisions(
        's-other',
        'r-other',
        50,
        Array.from({ length: 10 }, (): [string, string] => ['missing', 'eliminated'])
      ),
    ],
  });
}, 60_000);

afterAll(async () => {
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await ch?.close();
});

describe('alert rule evaluation', () => {
  it("sums a pipeline's named step over the window, exactly, ignoring other pipelines", async () => {
    const current = await evaluateRule(rows, 'p', ratio(300), now);
    expect([current.value, current.details]).toEqual([0.9, [{ steps: 1, input: 100, eliminated: 90 }]]);
    expect(current.window).toEqual({ seconds: 300, from: '2026-11-20T11:55:00.000Z', to: '2026-11-20T12:00:00.000Z' });
    expect((await evaluateRule(rows, 'p', ratio(600), now)).value).toBe(0.5);
  });

  it('has no value when the window holds no data, or the project is another', async () => {
    expect((await evaluateRule(rows, 'p', ratio(10), now)).value).toBeUndefined();
    expect((await evaluateRule(rows, 'q', ratio(600), now)).value).toBeUndefined();
    expect((await evaluateRule(rows, 'q', watch(600), now)).value).toBe(0);
  });

  it("measures a reason's share by code or by text, among all decisions or one outcome", async () => {
    expect((await evaluateRule(rows, 'p', share({}), now)).value).toBeCloseTo(0.8, 10);
    expect(
      (await evaluateRule(rows, 'p', share({ reasonCode: undefined, reason: 'Missing keywords' }), now)).value
    ).toBeCloseTo(0.8, 10);
    expect((await evaluateRule(rows, 'p', share({ outcome: 'kept' }), now)).value).toBe(0);
    expect((await evaluateRule(rows, 'p', share({ windowSeconds: 600 }), now)).value).toBeCloseTo(9 / 20, 10);
  });

  it('measures the change of a share against the previous window', async () => {
    const change = await evaluateRule(rows, 'p', share({ condition: 'change' }), now);
    expect(change.value).toBeCloseTo(0.7, 10);
    expect(change.details).toEqual([
      {
        reason: 'missing',
        byCode: true,
        current: { decisions: 10, matching: 8, share: 0.8 },
        previous: { decisions: 10, matching: 1, share: 0.1 },
      },
    ]);
    // No previous data, no baseline: no value.
    expect(
      (await evaluateRule(rows, 'p', share({ condition: 'change', windowSeconds: 120 }), now)).value
    ).toBeUndefined();
  });

  it('names the watch-listed items eliminated in the window', async () => {
    const found = await evaluateRule(rows, 'p', watch(300), now);
    expect(found.value).toBe(1);
    expect(found.details).toEqual([
      {
        itemId: 'w1',
        runId: 'r-now',
        stepId: 's-now',
        reason: 'Missing keywords',
        at: '2026-11-20 11:58:25.000000000',
      },
    ]);
    expect((await evaluateRule(rows, 'p', watch(600), now)).details.map((d) => d.itemId)).toEqual(['w1', 'w2']);
  });
});

import type {
  ErrorResponse,
  ItemInRunResponse,
  ItemRunsResponse,
  RunDiffResponse,
  StepListResponse,
  TrendResponse,
} from '@xray/core/api';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from './harness.js';
import { fate, ITEMS, startItemsStack, type ItemRuns } from './items.fixture.js';

// Two runs of one pipeline with different rules, then: where did item X die, and what changed.
let stack: TestStack;
let runs: ItemRuns;

beforeAll(async () => {
  ({ stack, runs } = await startItemsStack('items'));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('where did item X die', () => {
  it('follows an item through the steps of one run', async () => {
    const { status, body } = await stack.get<ItemInRunResponse>(`/v1/runs/${runs.a}/items/item-81`);
    expect(status).toBe(200);
    expect(body.decisions.map((d) => [d.stepName, d.stepIndex, d.outcome, d.reason])).toEqual([
      ['filter', 0, 'kept', 'multiple of 2'],
      ['cap', 1, 'eliminated', 'over cap 80'],
    ]);
    expect(body.eliminatedAt).toMatchObject({
      stepName: 'cap',
      reason: 'over cap 80',
      eventId: body.decisions[1]!.eventId,
    });
    const early = await stack.get<ItemInRunResponse>(`/v1/runs/${runs.a}/items/item-2`);
    expect(early.body.eliminatedAt).toMatchObject({ stepName: 'filter', reason: 'multiple of 2', reasonCode: 'MOD_2' });
    expect(early.body.decisions).toHaveLength(1);
    const survivor = await stack.get<ItemInRunResponse>(`/v1/runs/${runs.a}/items/item-1`);
    expect(survivor.body.eliminatedAt).toBeNull();
  });

  it('answers 404 for an item the run never decided on, and for an unknown run', async () => {
    const missing = await stack.get<ErrorResponse>(`/v1/runs/${runs.a}/items/item-1000`);
    expect([missing.status, missing.body.error.message]).toEqual([
      404,
      expect.stringContaining('No recorded decision about item "item-1000"'),
    ]);
    expect((await stack.get(`/v1/runs/${'0'.repeat(32)}/items/item-1`)).status).toBe(404);
  });

  it('lists the runs an item went through, newest first, with the step that eliminated it in each', async () => {
    const { body } = await stack.get<ItemRunsResponse>(`/v1/items/item-84/runs`);
    // item-84: A drops it at filter (even); B at cap (>= 90? no: 84 < 90, and 84 % 4 == 0: filter); other: 84 % 3 == 0: filter.
    expect(body.runs.map((r) => [r.runId, r.pipeline, r.eliminatedAt?.stepName ?? null])).toEqual([
      [runs.other, 'other', 'filter'],
      [runs.b, 'search', 'filter'],
      [runs.a, 'search', 'filter'],
    ]);
    const searchOnly = await stack.get<ItemRunsResponse>(`/v1/items/item-85/runs?pipeline=search&limit=1`);
    expect(searchOnly.body.runs.map((r) => [r.runId, r.eliminatedAt])).toEqual([[runs.b, null]]);
    const next = await stack.get<ItemRunsResponse>(
      `/v1/items/item-85/runs?pipeline=search&limit=1&cursor=${searchOnly.body.nextCursor}`
    );
    expect(next.body.runs.map((r) => [r.runId, r.eliminatedAt?.stepName, r.eliminatedAt?.reason])).toEqual([
      [runs.a, 'cap', 'over cap 80'],
    ]);
    expect(next.body.nextCursor).toBeNull();
  });
});

describe('what changed between two runs', () => {
  it('gives per-step deltas and exactly the items whose fate changed, with the reasons before and after', async () => {
    const before = fate(2, 80);
    const after = fate(4, 90);
    const changed = ITEMS.filter((x) => before(x) !== after(x))
      .map((x) => x.id)
      .sort();
    const items: RunDiffResponse['items'] = [];
    let cursor: string | null = null;
    let body!: RunDiffResponse;
    do {
      ({ body } = await stack.get<RunDiffResponse>(
        `/v1/runs/${runs.a}/diff/${runs.b}?limit=20${cursor ? `&cursor=${cursor}` : ''}`
      ));
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(items.map((x) => x.itemId)).toEqual(changed);
    const eventual = await stack.get<RunDiffResponse>(
      `/v1/runs/${runs.a}/diff/${runs.b}?limit=1000&consistency=eventual`
    );
    expect(eventual.body.items.map((x) => x.itemId)).toEqual(changed);
    const x6 = items.find((x) => x.itemId === 'item-6')!; // even: filtered in A; 6 % 4 != 0 and 6 < 90: kept in B
    expect([x6.a, x6.b]).toEqual([{ stepName: 'filter', reason: 'multiple of 2', reasonCode: 'MOD_2' }, null]);
    const x85 = items.find((x) => x.itemId === 'item-85')!;
    expect([x85.a?.stepName, x85.b]).toEqual(['cap', null]);

    expect(body.steps.map((st) => [st.name, st.a?.eliminatedCount, st.b?.eliminatedCount, st.eliminatedDelta])).toEqual(
      [
        ['filter', 50, 25, -25],
        ['cap', 10, 8, -2],
      ]
    );
    expect(body.steps[0]!.ratioDeltaPoints).toBeCloseTo(-25, 10);
  });

  it('refuses to compare runs of different pipelines', async () => {
    const res = await stack.get<ErrorResponse>(`/v1/runs/${runs.a}/diff/${runs.other}`);
    expect([res.status, res.body.error.message]).toEqual([
      400,
      expect.stringContaining('belong to different pipelines'),
    ]);
  });
});

describe('the raw records', () => {
  it("returns a run's and a step's payloads from S3", async () => {
    const run = await stack.get<{ kind: string; pipeline: string; input: unknown; output: unknown[] }>(
      `/v1/runs/${runs.a}/payload`
    );
    expect([run.status, run.body.kind, run.body.pipeline]).toEqual([200, 'run', 'search']);
    expect(run.body.input).toEqual(ITEMS);
    const { body: steps } = await stack.get<StepListResponse>(`/v1/runs/${runs.a}/steps`);
    const step = await stack.get<{ kind: string; name: string; input: unknown[] }>(
      `/v1/steps/${steps.steps[1]!.stepId}/payload`
    );
    expect([step.status, step.body.kind, step.body.name, step.body.input.length]).toEqual([200, 'step', 'cap', 50]);
    expect((await stack.get(`/v1/steps/${'0'.repeat(16)}/payload`)).status).toBe(404);
  });
});

describe('trends for dashboards', () => {
  const window = () => `from=${Date.now() - 3600_000}&to=${Date.now() + 60_000}&interval=2h`;

  it('gives elimination per pipeline, and per step of one pipeline, as time series', async () => {
    const { status, body } = await stack.get<TrendResponse>(`/v1/trends?${window()}`);
    expect(status).toBe(200);
    const points = (pipeline: string, step: string | null, b: TrendResponse) =>
      b.series.filter((s) => s.pipeline === pipeline && s.step === step).flatMap((s) => s.points);
    const sum = (ps: TrendResponse['series'][number]['points']) =>
      ps.reduce(
        (t, p) => ({ runs: t.runs + p.runs, input: t.input + p.input, eliminated: t.eliminated + p.eliminated }),
        { runs: 0, input: 0, eliminated: 0 }
      );
    expect(sum(points('search', null, body))).toEqual({ runs: 2, input: 200, eliminated: 60 + 33 });
    expect(sum(points('other', null, body)).runs).toBe(1);
    const first = points('search', null, body)[0]!;
    expect(first.timeMs % (2 * 3600_000)).toBe(0);
    expect(new Date(first.time).getTime()).toBe(first.timeMs);

    const { body: bySteps } = await stack.get<TrendResponse>(`/v1/trends?pipeline=search&by=step&${window()}`);
    expect([...new Set(bySteps.series.map((s) => s.step))].sort()).toEqual(['cap', 'filter']);
    expect(sum(points('search', 'filter', bySteps))).toEqual({ runs: 2, input: 200, eliminated: 75 });
    expect(sum(points('search', 'cap', bySteps))).toEqual({ runs: 2, input: 125, eliminated: 18 });
    const { body: one } = await stack.get<TrendResponse>(`/v1/trends?pipeline=search&step=cap&${window()}`);
    expect(one.series.map((s) => s.step)).toEqual(['cap']);
    // Without FINAL: the same answer here, where nothing was delivered twice.
    const { body: eventual } = await stack.get<TrendResponse>(
      `/v1/trends?pipeline=search&by=step&consistency=eventual&${window()}`
    );
    expect(sum(points('search', 'filter', eventual))).toEqual({ runs: 2, input: 200, eliminated: 75 });
  });

  it('explains bad parameters', async () => {
    const bad = async (query: string) => (await stack.get<ErrorResponse>(`/v1/trends?${query}`)).body.error?.message;
    expect(await bad('interval=5x')).toBe(
      'interval must be a number and a unit s, m, h or d, such as 30s, 5m, 1h or 1d, got "5x"'
    );
    expect(await bad('by=step')).toBe('per-step trends need a pipeline: add pipeline=<name>');
    expect(await bad('interval=1s')).toMatch(/more than 10000 points per series/);
    expect(await bad('from=2026-01-02&to=2026-01-01')).toBe('from must be before to');
    expect(await bad('consistency=sometimes')).toBe('consistency must be one of exact, eventual; got "sometimes"');
  });
});

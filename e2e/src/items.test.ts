import type {
  ErrorResponse,
  ItemInRunResponse,
  ItemRunsResponse,
  RunDiffResponse,
  StepListResponse,
  TrendResponse,
} from '@xray/core/api';
import { EXIT, run } from '@xray/cli';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Two runs of one pipeline with different rules, then: where did item X die, and what changed.
let stack: TestStack;
const runs: { a: string; b: string; other: string } = { a: '', b: '', other: '' };
const ITEMS = Array.from({ length: 100 }, (_, i) => ({ id: `item-${i}`, i }));
type Item = (typeof ITEMS)[number];

/** filter: drops multiples of `every`; cap: drops i >= cap. Returns where each item died (or undefined). */
const fate = (every: number, cap: number) => (x: Item) =>
  x.i % every === 0 ? 'filter' : x.i >= cap ? 'cap' : undefined;

async function send(xray: XRay, pipeline: string, every: number, cap: number): Promise<string> {
  let id = '';
  await xray.run(pipeline, ITEMS, async (runId) => {
    id = runId;
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: Item[]) =>
        input.map((x) => ({
          itemId: x.id,
          outcome: x.i % every === 0 ? ELIMINATED : KEPT,
          reason: `multiple of ${every}`,
          reasonCode: `MOD_${every}`,
          input: x,
        })),
      ITEMS
    );
    const left = ITEMS.filter((x) => x.i % every !== 0);
    const capped = await xray.step(
      runId,
      XRStepType.FILTER,
      'cap',
      (input: Item[]) =>
        input.map((x) => ({ itemId: x.id, outcome: x.i >= cap ? ELIMINATED : KEPT, reason: `over cap ${cap}` })),
      left
    );
    return capped.filter((d) => d.outcome === KEPT);
  });
  return id;
}

async function ready(runId: string) {
  await eventually(
    async () => {
      const { body } = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
      return body.steps?.length === 2 && (await stack.get(`/v1/runs/${runId}`)).status === 200 ? true : undefined;
    },
    30_000,
    `run ${runId}`
  );
}

beforeAll(async () => {
  stack = await startTestStack('items');
  const xray = new XRay({ endpoint: `${stack.receiverUrl}/v1/traces`, apiKey: stack.keys.ingestKey, capture: 'full' });
  runs.a = await send(xray, 'search', 2, 80);
  await new Promise((r) => setTimeout(r, 20)); // B starts later: newest first puts it first
  runs.b = await send(xray, 'search', 4, 90);
  runs.other = await send(xray, 'other', 3, 50);
  await xray.shutdown();
  for (const id of Object.values(runs)) await ready(id);
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
    expect(await bad('interval=5x')).toBe('interval must look like 30s, 5m, 1h or 1d, got "5x"');
    expect(await bad('by=step')).toBe('per-step trends need a pipeline: add pipeline=<name>');
    expect(await bad('interval=1s')).toMatch(/more than 10000 points per series/);
    expect(await bad('from=2026-01-02&to=2026-01-01')).toBe('from must be before to');
    expect(await bad('consistency=sometimes')).toBe('consistency must be one of exact, eventual; got "sometimes"');
  });
});

describe('the xray command', () => {
  async function xray(...argv: string[]) {
    let out = '';
    let err = '';
    const env = { XRAY_QUERY_URL: stack.queryUrl, XRAY_READ_KEY: stack.keys.readKey };
    const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t), env, colour: false });
    return { code, out, err };
  }

  it('answers the questions as tables, and as JSON for scripts', async () => {
    const runsOut = await xray('runs', '--pipeline', 'search', '--sort', 'ratio');
    expect(runsOut.code).toBe(EXIT.ok);
    const lines = runsOut.out.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+PIPELINE\s+STARTED \(UTC\)\s+STATUS\s+STEPS\s+IN → OUT\s+ELIMINATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual([runs.a, runs.b]); // 60% before 33%

    const steps = await xray('steps', runs.a);
    expect(steps.out).toMatch(/▶\s+[0-9a-f]{16}\s+filter\s+filter\s+100 → 50\s+50\s+50\.0%\s+83\.3%/);

    const why = await xray('why', 'item-81', '--run', runs.a);
    expect(why.out.split('\n')[0]).toBe('item-81 was eliminated at cap: over cap 80');
    const across = await xray('why', 'item-85', '--pipeline', 'search', '--json');
    expect((JSON.parse(across.out) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual([
      runs.b,
      runs.a,
    ]);

    const reasons = await xray(
      'reasons',
      (JSON.parse((await xray('steps', runs.a, '--json')).out) as StepListResponse).steps[0]!.stepId,
      '--outcome',
      'eliminated'
    );
    expect(reasons.out).toMatch(
      /^DECISIONS\s+SHARE\s+REASON\s+FOR EXAMPLE\n50\s+100\.0%\s+MOD_2\s+item-0, item-2, item-4$/m
    );

    const diff = await xray('diff', runs.a, runs.b, '--limit', '3');
    expect(diff.out).toContain('search: ');
    expect(diff.out).toMatch(/filter\s+50\s+25\s+-25\s+50\.0%\s+25\.0%\s+-25\.0 pts/);
    expect(diff.out).toContain('more items: raise --limit');
  });

  it('manages alert rules', async () => {
    const rule = {
      kind: 'elimination_ratio',
      name: 'filter eats too much',
      pipeline: 'search',
      step: 'filter',
      condition: 'above',
      threshold: 0.4,
      windowSeconds: 3600,
      webhook: 'http://127.0.0.1:9/hook',
    };
    const created = await xray('alerts', 'create', '--rule', JSON.stringify(rule), '--json');
    expect(created.code).toBe(EXIT.ok);
    const { id } = JSON.parse(created.out) as { id: string };
    const list = await xray('alerts');
    expect(list.out).toMatch(
      new RegExp(
        `^RULE\\s+NAME\\s+KIND\\s+WATCHES\\s+FIRES WHEN\\s+WINDOW\\s+STATE\\s+LAST VALUE\\n${id}\\s+filter eats too much\\s+elimination_ratio\\s+search/filter\\s+above 0.4\\s+1h\\s+`
      )
    );
    expect((await xray('alerts', 'show', id)).out).toContain('fires when  above 0.4 over 1h');
    expect((await xray('alerts', 'events')).out).toBe('No alert has fired yet.\n');
    expect(await xray('alerts', 'create', '--rule', '{"kind":')).toMatchObject({
      code: EXIT.usage,
      err: expect.stringContaining('the rule is not JSON'),
    });
    expect(await xray('alerts', 'create', '--rule', JSON.stringify({ ...rule, threshold: 2 }))).toMatchObject({
      code: EXIT.failed,
      err: expect.stringContaining('threshold'),
    });
    expect((await xray('alerts', 'delete', id)).out).toBe(`Deleted alert rule ${id}.\n`);
    expect((await xray('alerts', 'list')).out).toMatch(/^No alert rules/);
  });

  it('says what went wrong, with exit codes', async () => {
    expect(await xray('steps')).toMatchObject({
      code: EXIT.usage,
      err: expect.stringContaining('`xray steps` needs a run id'),
    });
    expect(await xray('steps', '0'.repeat(32))).toMatchObject({
      code: EXIT.failed,
      err: expect.stringMatching(/^xray: No run 0{32} in this project/),
    });
    const noKey = await run(['runs'], {
      out: () => undefined,
      err: () => undefined,
      env: { XRAY_QUERY_URL: stack.queryUrl },
      colour: false,
    });
    expect(noKey).toBe(EXIT.failed);
    let err = '';
    const down = await run(['runs', '--url', 'http://127.0.0.1:1', '--key', stack.keys.readKey], {
      out: () => undefined,
      err: (t) => (err += t),
      env: {},
      colour: false,
    });
    expect([down, err]).toEqual([
      EXIT.failed,
      expect.stringContaining('the query API does not answer at http://127.0.0.1:1'),
    ]);
  });
});

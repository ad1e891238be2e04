import type { RunListResponse, RunSummary, StepListResponse, TrendResponse } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type StepSpec, type WrittenRun } from './routes.fixture.js';

// Runs whose steps failed: one that ended ok although a step failed (its caller caught the error),
// one that failed itself, and one that went well.
let stack: RouteStack;
let runs: WrittenRun[];
const t0 = Date.parse('2026-11-21T12:00:00Z');
const filter = (eliminated: number, status?: 'ok' | 'error'): StepSpec => ({
  name: 'filter',
  status,
  decisions: Array.from({ length: 10 }, (_, i) => [`doc-${i}`, i < eliminated ? 'eliminated' : 'kept', 'r']),
});
// Failed before deciding anything: 8 items in, none out, nothing eliminated.
const enrich: StepSpec = { name: 'enrich', status: 'error', input: 8, decisions: [] };

beforeAll(async () => {
  stack = await openRouteStack('failures');
  runs = await stack.write([
    { pipeline: 'search', at: t0, steps: [filter(2)] },
    { pipeline: 'search', at: t0 + 1000, status: 'ok', steps: [filter(2), enrich] },
    { pipeline: 'search', at: t0 + 2000, status: 'error', steps: [filter(1, 'ok')] },
  ]);
});
afterAll(() => stack.close());

const list = async (query: string) =>
  (await stack.get<RunListResponse>(`/v1/runs?${query}`)).body.runs.map((r) =>
    runs.indexOf(runs.find((w) => w.runId === r.runId)!)
  );

describe('runs with failed steps', () => {
  it('count their failed steps, also when the run ended ok', async () => {
    const { body } = await stack.get<RunSummary>(`/v1/runs/${runs[1]!.runId}`);
    expect([body.status, body.failedSteps]).toEqual(['ok', 1]);
    expect((await stack.get<RunSummary>(`/v1/runs/${runs[0]!.runId}`)).body.failedSteps).toBe(0);
  });

  it('are found by status=error beside the runs that failed, and by failedSteps', async () => {
    expect(await list('status=error')).toEqual([2, 1]);
    expect(await list('status=ok')).toEqual([1, 0]);
    expect(await list('failedSteps=true')).toEqual([1]);
    expect(await list('failedSteps=false')).toEqual([2, 0]);
    expect(await list('status=error&failedSteps=false')).toEqual([2]);
    const bad = await stack.get<{ error: { message: string } }>('/v1/runs?failedSteps=yes');
    expect([bad.status, bad.body.error.message]).toEqual([400, 'failedSteps must be true or false, got "yes"']);
  });
});

describe('a step that failed before deciding anything', () => {
  it('eliminated nothing: ratio 0, and never the worst step', async () => {
    const { body } = await stack.get<StepListResponse>(`/v1/runs/${runs[1]!.runId}/steps`);
    const failed = body.steps.find((st) => st.name === 'enrich')!;
    expect(failed).toMatchObject({
      status: 'error',
      inputCount: 8,
      outputCount: 0,
      decisionCount: 0,
      eliminatedCount: 0,
      eliminationRatio: 0,
      eliminationShare: 0,
    });
    expect(body.worstStepId).toBe(runs[1]!.stepIds[0]);
  });

  it('adds nothing eliminated to the step trends', async () => {
    const range = `from=${t0}&to=${t0 + 3600_000}`;
    const { body } = await stack.get<TrendResponse>(`/v1/trends?pipeline=search&by=step&step=enrich&${range}`);
    expect(body.series[0]!.points.map((p) => [p.runs, p.input, p.eliminated, p.eliminationRatio])).toEqual([
      [1, 8, 0, 0],
    ]);
  });
});

import type { ErrorResponse, ItemInRunResponse, ItemRunsResponse, RunDiffResponse } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type WrittenRun } from './routes.fixture.js';

let stack: RouteStack;
let a: WrittenRun;
let b: WrittenRun;
let c: WrittenRun;
const t0 = Date.parse('2026-11-20T12:00:00Z');

beforeAll(async () => {
  stack = await openRouteStack('items');
  [a, b, c] = (await stack.write([
    {
      pipeline: 'search',
      at: t0,
      steps: [
        {
          name: 'filter',
          decisions: [
            ['doc-1', 'eliminated', 'too old', { code: 'old' }],
            ['doc-2', 'kept', 'fresh'],
            ['doc-3', 'kept', 'fresh'],
          ],
        },
        {
          name: 'cap',
          decisions: [
            ['doc-2', 'eliminated', 'over the cap'],
            ['doc-3', 'kept', 'in'],
          ],
        },
      ],
    },
    {
      pipeline: 'search',
      at: t0 + 1000,
      steps: [
        {
          name: 'filter',
          decisions: [
            ['doc-1', 'kept', 'fresh'],
            ['doc-2', 'eliminated', 'too old', { code: 'old' }],
            ['doc-3', 'eliminated', 'too old', { code: 'old' }],
          ],
        },
        { name: 'rerank', type: 'rank', decisions: [['doc-1', 'scored', 'ranked', { score: 0.5 }]] },
      ],
    },
    { pipeline: 'other', at: t0 + 2000, steps: [{ name: 'gate', decisions: [['doc-1', 'eliminated', 'blocked']] }] },
  ])) as [WrittenRun, WrittenRun, WrittenRun];
});
afterAll(() => stack.close());

describe('GET /v1/runs/{runId}/items/{itemId}', () => {
  it("follows an item through the run's steps to where it was eliminated", async () => {
    const { status, body } = await stack.get<ItemInRunResponse>(`/v1/runs/${a.runId}/items/doc-2`);
    expect(status).toBe(200);
    expect(body.decisions.map((d) => [d.stepName, d.stepIndex, d.outcome, d.reason])).toEqual([
      ['filter', 0, 'kept', 'fresh'],
      ['cap', 1, 'eliminated', 'over the cap'],
    ]);
    expect(body.eliminatedAt).toEqual({
      stepId: a.stepIds[1],
      stepName: 'cap',
      stepIndex: 1,
      eventId: `${a.stepIds[1]}-0`,
      reason: 'over the cap',
    });
    const { body: survivor } = await stack.get<ItemInRunResponse>(`/v1/runs/${a.runId}/items/doc-3`);
    expect(survivor.eliminatedAt).toBeNull();
  });

  it('answers 404 for an item the run never decided on, an unknown run and a foreign run', async () => {
    const never = await stack.get<ErrorResponse>(`/v1/runs/${a.runId}/items/doc-9`);
    expect([never.status, never.body.error.message]).toEqual([
      404,
      `No recorded decision about item "doc-9" in run ${a.runId}. With sampled capture only some items are recorded; record a run in full to follow every item.`,
    ]);
    const unknown = await stack.get<ErrorResponse>(`/v1/runs/${'0'.repeat(32)}/items/doc-1`);
    expect(unknown.body.error.message).toMatch(/^No run 0{32} in this project/);
    expect((await stack.get(`/v1/runs/${a.runId}/items/doc-1`, stack.keys[stack.projects[1]!])).status).toBe(404);
  });
});

describe('GET /v1/items/{itemId}/runs', () => {
  it('lists the runs an item went through, newest first, with where it was eliminated in each', async () => {
    const { body } = await stack.get<ItemRunsResponse>('/v1/items/doc-1/runs');
    expect(body.itemId).toBe('doc-1');
    expect(body.runs.map((r) => [r.runId, r.pipeline, r.decisions, r.eliminatedAt?.stepName ?? null])).toEqual([
      [c.runId, 'other', 1, 'gate'],
      [b.runId, 'search', 2, null],
      [a.runId, 'search', 1, 'filter'],
    ]);
    expect(body.runs[2]).toMatchObject({
      runStartedAt: '2026-11-20T12:00:00.000Z',
      eliminatedAt: { eventId: `${a.stepIds[0]}-0`, reason: 'too old', reasonCode: 'old', stepIndex: 0 },
    });
  });

  it('filters by pipeline and time, and pages with a cursor', async () => {
    const runIds = async (query: string) =>
      (await stack.get<ItemRunsResponse>(`/v1/items/doc-1/runs?${query}`)).body.runs.map((r) => r.runId);
    expect(await runIds('pipeline=search&consistency=eventual')).toEqual([b.runId, a.runId]);
    expect(await runIds(`from=${t0 + 500}&to=${t0 + 1500}`)).toEqual([b.runId]);
    const first = await stack.get<ItemRunsResponse>('/v1/items/doc-1/runs?limit=2');
    expect(first.body.runs.map((r) => r.runId)).toEqual([c.runId, b.runId]);
    expect(await runIds(`limit=2&cursor=${first.body.nextCursor}`)).toEqual([a.runId]);
    expect(await runIds('pipeline=nowhere')).toEqual([]);
    const bad = await stack.get<ErrorResponse>('/v1/items/doc-1/runs?cursor=abc');
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'cursor is not one this API returned; start again without it',
    ]);
  });
});

describe('GET /v1/runs/{runA}/diff/{runB}', () => {
  it('gives per-step deltas and the items whose fate changed, with the reasons on each side', async () => {
    const { status, body } = await stack.get<RunDiffResponse>(`/v1/runs/${a.runId}/diff/${b.runId.toUpperCase()}`);
    expect(status).toBe(200);
    expect([body.runA, body.runB, body.pipeline]).toEqual([a.runId, b.runId, 'search']);
    expect(
      body.steps.map((s) => [s.name, s.a?.eliminatedCount ?? null, s.b?.eliminatedCount ?? null, s.eliminatedDelta])
    ).toEqual([
      ['filter', 1, 2, 1],
      ['cap', 1, null, -1],
      ['rerank', null, 0, 0],
    ]);
    expect(body.steps[0]!.ratioDeltaPoints).toBeCloseTo((2 / 3 - 1 / 3) * 100, 10);
    expect(body.items).toEqual([
      { itemId: 'doc-1', a: { stepName: 'filter', reason: 'too old', reasonCode: 'old' }, b: null },
      {
        itemId: 'doc-2',
        a: { stepName: 'cap', reason: 'over the cap' },
        b: { stepName: 'filter', reason: 'too old', reasonCode: 'old' },
      },
      { itemId: 'doc-3', a: null, b: { stepName: 'filter', reason: 'too old', reasonCode: 'old' } },
    ]);
  });

  it('pages through the changed items', async () => {
    const first = await stack.get<RunDiffResponse>(`/v1/runs/${a.runId}/diff/${b.runId}?limit=2`);
    expect(first.body.items.map((x) => x.itemId)).toEqual(['doc-1', 'doc-2']);
    const next = await stack.get<RunDiffResponse>(
      `/v1/runs/${a.runId}/diff/${b.runId}?limit=2&cursor=${first.body.nextCursor}`
    );
    expect([next.body.items.map((x) => x.itemId), next.body.nextCursor]).toEqual([['doc-3'], null]);
  });

  it('refuses runs of different pipelines, unknown runs and malformed ids, each with a sentence', async () => {
    const other = await stack.get<ErrorResponse>(`/v1/runs/${a.runId}/diff/${c.runId}`);
    expect([other.status, other.body.error.message]).toEqual([
      400,
      `runs ${a.runId} (search) and ${c.runId} (other) belong to different pipelines; compare two runs of one pipeline`,
    ]);
    expect((await stack.get(`/v1/runs/${a.runId}/diff/${'0'.repeat(32)}`)).status).toBe(404);
    const bad = await stack.get<ErrorResponse>(`/v1/runs/${a.runId}/diff/latest`);
    expect([bad.status, bad.body.error.message]).toEqual([400, 'otherRunId must be 32 hex characters, got "latest"']);
    const limit = await stack.get<ErrorResponse>(`/v1/runs/${a.runId}/diff/${b.runId}?limit=0`);
    expect(limit.body.error.message).toBe('limit must be an integer from 1 to 1000, got "0"');
  });
});

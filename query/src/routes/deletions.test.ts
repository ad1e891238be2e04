import type { DecisionDetail, ErrorResponse, RunDeletion, RunSummary } from '@xray/core/api';
import { Tables } from '@xray/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type StepSpec, type WrittenRun } from './routes.fixture.js';

// DELETE /v1/runs/{runId} over the real deletion (core's deleteRun) on the embedded ClickHouse and s3rver.
let stack: RouteStack;
let doomed: WrittenRun;
let spared: WrittenRun;
let theirs: WrittenRun;
let admin: string;
const filter: StepSpec = {
  name: 'filter',
  decisions: [
    ['doc-1', 'eliminated', 'too far', { input: { doc: 1 } }],
    ['doc-2', 'kept', 'close'],
    ['doc-3', 'kept', 'close'],
  ],
};
const steps = [filter, { name: 'rank', decisions: [['doc-2', 'scored', 'good', { score: 0.9 }]] }] as StepSpec[];
const remove = (runId: string, as = admin) =>
  stack.request<RunDeletion & ErrorResponse>(`/v1/runs/${runId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${as}` },
  });

beforeAll(async () => {
  stack = await openRouteStack('deletions');
  admin = stack.adminKeys[stack.projects[0]!]!;
  [doomed, spared] = (await stack.write([
    { pipeline: 'search', steps },
    { pipeline: 'search', steps },
  ])) as [WrittenRun, WrittenRun];
  [theirs] = (await stack.write([{ pipeline: 'search', steps }], stack.projects[1])) as [WrittenRun];
});
afterAll(() => stack.close());

describe('DELETE /v1/runs/{runId}', () => {
  it('refuses a read key with a sentence saying which key deletes, and touches nothing', async () => {
    const { status, body } = await remove(doomed.runId, stack.keys[stack.projects[0]!]);
    expect([status, body.error]).toEqual([
      403,
      {
        code: 'forbidden',
        message:
          "Deleting needs the project's admin key (xra_…); create one with xray create key <project> --kind admin.",
      },
    ]);
    expect((await remove('not-a-run', stack.keys[stack.projects[0]!])).status).toBe(403);
    expect((await remove(doomed.runId, stack.keys.ingest)).status).toBe(403);
    expect((await stack.get(`/v1/runs/${doomed.runId}`)).status).toBe(200);
  });

  it("answers 404 for a run the project never had, and for another project's run, which it leaves alone", async () => {
    const unknown = await remove('f'.repeat(32));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect((await remove(theirs.runId)).status).toBe(404);
    expect((await stack.get(`/v1/runs/${theirs.runId}`, stack.keys[stack.projects[1]!])).status).toBe(200);
    expect(await stack.runObjects(theirs.runId, stack.projects[1])).not.toEqual([]);
  });

  it('answers 400 for a malformed run id', async () => {
    const { status, body } = await remove('not-a-run');
    expect([status, body.error.message]).toEqual([400, 'runId must be 32 hex characters, got "not-a-run"']);
  });

  it('deletes the run with its steps, decisions and span objects; its routes then answer 410', async () => {
    const decisions = filter.decisions.length + 1;
    expect(await stack.runObjects(doomed.runId)).not.toEqual([]);
    const { status, body } = await remove(doomed.runId.toUpperCase());
    expect(status).toBe(200);
    expect(body).toEqual({
      runId: doomed.runId,
      status: 'deleted',
      deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      alreadyDeleted: false,
      removed: { runs: 1, steps: 2, decisions, objects: expect.any(Number) },
    });
    expect(body.removed.objects).toBeGreaterThan(0);
    for (const table of [Tables.RUNS, Tables.STEPS, Tables.DECISIONS, Tables.ITEM_DECISIONS])
      expect(await stack.count(table, doomed.runId), table).toBe(0);
    expect(await stack.runObjects(doomed.runId)).toEqual([]);

    const run = await stack.get<ErrorResponse>(`/v1/runs/${doomed.runId}`);
    expect([run.status, run.body.error.message]).toEqual([
      410,
      `Run ${doomed.runId} was deleted on ${body.deletedAt}; its steps, decisions and payloads are gone.`,
    ]);
    expect((await stack.get(`/v1/runs/${doomed.runId}/steps`)).status).toBe(410);
    expect((await stack.get(`/v1/runs/${doomed.runId}/items/doc-1`)).status).toBe(410);
    // The project's other run is whole.
    expect((await stack.get<RunSummary>(`/v1/runs/${spared.runId}`)).body.totalSteps).toBe(2);
    expect((await stack.get<DecisionDetail>(`/v1/decisions/${spared.stepIds[0]}-0`)).body.input).toEqual({ doc: 1 });
  });

  it('answers a second DELETE with alreadyDeleted and the first deletion time', async () => {
    const first = (await stack.get<ErrorResponse>(`/v1/runs/${doomed.runId}`)).body.error.message;
    const { status, body } = await remove(doomed.runId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ runId: doomed.runId, status: 'deleted', alreadyDeleted: true });
    expect(first).toContain(`deleted on ${body.deletedAt};`);
  });
});

import { deletedRunMessage, type ErrorResponse } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type StepSpec, type WrittenRun } from './routes.fixture.js';

// Runs whose tombstone is written and whose run row is removed (what a deletion does first), their
// steps and decisions still there: a deletion in progress (done = 0). Every route naming the run
// answers 410, never half a run.
let stack: RouteStack;
let deleting: WrittenRun;
let kept: WrittenRun;
let theirs: WrittenRun;
const filter: StepSpec = {
  name: 'filter',
  decisions: [
    ['doc-1', 'eliminated', 'too far'],
    ['doc-2', 'kept', 'close'],
  ],
};

beforeAll(async () => {
  stack = await openRouteStack('tombstones');
  [deleting, kept] = (await stack.write([
    { pipeline: 'search', steps: [filter] },
    { pipeline: 'search', steps: [filter] },
  ])) as [WrittenRun, WrittenRun];
  [theirs] = (await stack.write([{ pipeline: 'search', steps: [filter] }], stack.projects[1])) as [WrittenRun];
  await stack.tombstone(deleting.runId, { removeRun: true });
  // A tombstone of the other project says nothing about this project's runs, and the reverse.
  await stack.tombstone(kept.runId, { project: stack.projects[1] });
});
afterAll(() => stack.close());

const gone = async (path: string, as?: string) => {
  const { status, body } = await stack.get<ErrorResponse>(path, as);
  return [status, body.error?.code, body.error?.message];
};

describe('a run being deleted', () => {
  it('answers 410 gone with when it was deleted on every route naming it', async () => {
    const run = deleting.runId;
    const [status, code, message] = await gone(`/v1/runs/${run}`);
    expect([status, code]).toEqual([410, 'gone']);
    expect(message).toMatch(
      new RegExp(
        `^Run ${run} was deleted on \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; its steps, decisions and payloads are gone\\.$`
      )
    );
    const at = /deleted on (\S+);/.exec(String(message))![1]!;
    expect(message).toBe(deletedRunMessage(run, at));
    for (const path of [
      `/v1/runs/${run}/steps`,
      `/v1/runs/${run}/payload`,
      `/v1/runs/${run}/items/doc-1`,
      `/v1/steps/${deleting.stepIds[0]}/payload`,
      `/v1/steps/${deleting.stepIds[0]}/decisions`,
      `/v1/steps/${deleting.stepIds[0]}/reasons`,
      `/v1/decisions/${deleting.stepIds[0]}-0`,
    ])
      expect(await gone(path), path).toEqual([410, 'gone', message]);
  });

  it('also to an admin key, whatever the case of the id', async () => {
    expect((await gone(`/v1/runs/${deleting.runId.toUpperCase()}`, stack.adminKeys[stack.projects[0]!]))[0]).toBe(410);
  });

  it("leaves the project's other runs, and another project's tombstones, alone", async () => {
    expect((await stack.get(`/v1/runs/${kept.runId}`)).status).toBe(200);
    expect((await stack.get(`/v1/decisions/${kept.stepIds[0]}-0`)).status).toBe(200);
    expect((await stack.get(`/v1/runs/${theirs.runId}`, stack.keys[stack.projects[1]!])).status).toBe(200);
    // Another project's run, deleted or not, is not found from this project.
    expect((await gone(`/v1/runs/${theirs.runId}`))[0]).toBe(404);
  });

  it('stays 410 once the deletion is done', async () => {
    await stack.tombstone(deleting.runId, { done: true });
    expect((await gone(`/v1/runs/${deleting.runId}`))[0]).toBe(410);
  });
});

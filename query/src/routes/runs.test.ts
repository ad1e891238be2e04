import type {
  ErrorResponse,
  Payload,
  PipelineListResponse,
  RunListResponse,
  RunSummary,
  StepListResponse,
} from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type StepSpec, type WrittenRun } from './routes.fixture.js';

// The query app in process over the embedded ClickHouse and s3rver, with runs written as the processor writes them.
let stack: RouteStack;
const t0 = Date.parse('2026-11-20T12:00:00Z');
const filter = (eliminated: number, of = 10): StepSpec => ({
  name: 'filter',
  decisions: Array.from({ length: of }, (_, i) =>
    i < eliminated ? [`doc-${i}`, 'eliminated', 'too far'] : [`doc-${i}`, 'kept', 'close']
  ),
});
let runs: WrittenRun[];

beforeAll(async () => {
  stack = await openRouteStack('runs');
  // Oldest first: search eliminates 2, 8, 5 of 10; "other" fails.
  runs = await stack.write([
    { pipeline: 'search', at: t0, steps: [filter(2)] },
    {
      pipeline: 'search',
      at: t0 + 1000,
      steps: [filter(8), { name: 'cap', decisions: [['doc-8', 'eliminated', 'cut']] }],
    },
    { pipeline: 'search', at: t0 + 2000, steps: [filter(5)] },
    { pipeline: 'other', at: t0 + 3000, status: 'error', steps: [filter(0, 4)] },
  ]);
  await stack.write([{ pipeline: 'secret', at: t0, steps: [filter(1)] }], stack.projects[1]);
});
afterAll(() => stack.close());

const ids = (body: RunListResponse) => body.runs.map((r) => r.runId);

describe('GET /v1/runs', () => {
  it('lists runs newest first with their metrics', async () => {
    const { status, body } = await stack.get<RunListResponse>('/v1/runs');
    expect(status).toBe(200);
    expect(ids(body)).toEqual([runs[3]!.runId, runs[2]!.runId, runs[1]!.runId, runs[0]!.runId]);
    expect(body.runs[1]).toEqual({
      runId: runs[2]!.runId,
      pipeline: 'search',
      status: 'ok',
      startedAt: '2026-11-20T12:00:02.000Z',
      endedAt: '2026-11-20T12:00:02.010Z',
      durationMs: 10,
      totalSteps: 1,
      failedSteps: 0,
      inputCount: 10,
      outputCount: 5,
      eliminationRatio: 0.5,
    });
    expect(body.runs[0]).toMatchObject({ status: 'error', error: 'it broke' });
    expect(body.nextCursor).toBeNull();
  });

  it('pages with limit and cursor, newest first or highest ratio first', async () => {
    for (const [sort, expected] of [
      ['time', [3, 2, 1, 0]],
      ['ratio', [1, 2, 0, 3]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/v1/runs?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const { body } = await stack.get<RunListResponse>(query);
        expect(body.runs.length).toBeLessThanOrEqual(3);
        seen.push(...ids(body));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected.map((i) => runs[i]!.runId));
    }
  });

  it('filters by pipeline, elimination ratio, status and time', async () => {
    const get = async (query: string) => ids((await stack.get<RunListResponse>(`/v1/runs?${query}`)).body);
    expect(await get('pipeline=other')).toEqual([runs[3]!.runId]);
    expect(await get('minEliminationRatio=0.5&maxEliminationRatio=0.9')).toEqual([runs[2]!.runId, runs[1]!.runId]);
    expect(await get('status=error')).toEqual([runs[3]!.runId]);
    expect(await get(`from=${t0 + 1000}&to=2026-11-20T12:00:02Z`)).toEqual([runs[1]!.runId]);
  });

  it('refuses malformed parameters with a sentence naming them', async () => {
    const bad = async (query: string) => {
      const { status, body } = await stack.get<ErrorResponse>(`/v1/runs?${query}`);
      return [status, body.error.code, body.error.message];
    };
    expect(await bad('limit=0')).toEqual([
      400,
      'invalid_parameter',
      'limit must be an integer from 1 to 1000, got "0"',
    ]);
    expect(await bad('limit=1001')).toEqual([
      400,
      'invalid_parameter',
      'limit must be an integer from 1 to 1000, got "1001"',
    ]);
    expect((await bad('sort=worst'))[2]).toBe('sort must be one of time, ratio; got "worst"');
    expect((await bad('status=failed'))[2]).toBe('status must be one of ok, error; got "failed"');
    expect((await bad('minEliminationRatio=2'))[2]).toBe('minEliminationRatio must be a number from 0 to 1, got "2"');
    expect((await bad('from=yesterday'))[2]).toBe(
      'from must be milliseconds since the epoch, a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM] (a space may stand for the T), got "yesterday"'
    );
    expect((await bad(`pipeline=${'x'.repeat(513)}`))[2]).toBe('pipeline must be 1 to 512 characters long');
    expect((await bad('cursor=%%%'))[2]).toBe('cursor is not one this API returned; start again without it');
    const { body } = await stack.get<RunListResponse>('/v1/runs?limit=1');
    expect((await bad(`sort=ratio&cursor=${body.nextCursor}`))[2]).toBe(
      'cursor belongs to another sort order; start again without it'
    );
  });

  it('takes the first of a repeated parameter', async () => {
    expect(ids((await stack.get<RunListResponse>('/v1/runs?limit=1&limit=0')).body)).toHaveLength(1);
  });

  it("lists only the key's own project, and checks the key before any parameter", async () => {
    const theirs = await stack.get<RunListResponse>('/v1/runs', stack.keys[stack.projects[1]!]);
    expect(theirs.body.runs.map((r) => r.pipeline)).toEqual(['secret']);
    expect((await stack.get('/v1/runs?limit=0', null)).status).toBe(401);
    expect((await stack.get('/v1/runs?limit=0', 'xrr_nope')).status).toBe(401);
    expect((await stack.get('/v1/runs?limit=0', stack.keys.ingest)).status).toBe(403);
  });
});

describe('GET /v1/runs/{runId}', () => {
  it('answers one run, whatever the case of its id', async () => {
    const { body: list } = await stack.get<RunListResponse>('/v1/runs?pipeline=search&limit=1');
    const { status, body } = await stack.get<RunSummary>(`/v1/runs/${runs[2]!.runId.toUpperCase()}`);
    expect([status, body]).toEqual([200, list.runs[0]]);
  });

  it("answers 404 for an unknown id and for another project's run, 400 for a malformed one", async () => {
    const other = await stack.get<ErrorResponse>(`/v1/runs/${runs[0]!.runId}`, stack.keys[stack.projects[1]!]);
    expect([other.status, other.body.error.message]).toEqual([
      404,
      `No run ${runs[0]!.runId} in this project. Check the id, or wait a moment if the run just finished.`,
    ]);
    expect((await stack.get(`/v1/runs/${'f'.repeat(32)}`)).status).toBe(404);
    const bad = await stack.get<ErrorResponse>('/v1/runs/not-a-run');
    expect([bad.status, bad.body.error.message]).toEqual([400, 'runId must be 32 hex characters, got "not-a-run"']);
  });
});

describe('GET /v1/runs/{runId}/steps and /payload', () => {
  it('gives the funnel in execution order with each step’s share and the worst step', async () => {
    const { body } = await stack.get<StepListResponse>(`/v1/runs/${runs[1]!.runId}/steps`);
    expect(body.steps.map((s) => [s.name, s.index, s.inputCount, s.eliminatedCount, s.capture])).toEqual([
      ['filter', 0, 10, 8, 'full'],
      ['cap', 1, 1, 1, 'full'],
    ]);
    expect(body.steps.map((s) => s.eliminationShare)).toEqual([8 / 9, 1 / 9]);
    expect(body.worstStepId).toBe(runs[1]!.stepIds[0]);
    expect((await stack.get(`/v1/runs/${'f'.repeat(32)}/steps`)).status).toBe(404);
  });

  it("returns the run's raw record from S3", async () => {
    const { status, body } = await stack.get<Payload>(`/v1/runs/${runs[0]!.runId}/payload`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'run', runId: runs[0]!.runId, pipeline: 'search', input: { query: 'search' } });
    expect((await stack.get(`/v1/runs/${runs[0]!.runId}/payload`, stack.keys[stack.projects[1]!])).status).toBe(404);
  });
});

describe('GET /v1/pipelines', () => {
  it('lists the pipelines that ran in a range, with run counts and elimination ratio', async () => {
    const { body } = await stack.get<PipelineListResponse>('/v1/pipelines');
    expect(body.pipelines).toEqual([
      { name: 'other', runs: 1, lastRunAt: '2026-11-20T12:00:03.000Z', eliminationRatio: 0 },
      { name: 'search', runs: 3, lastRunAt: '2026-11-20T12:00:02.000Z', eliminationRatio: 16 / 30 },
    ]);
    const { body: early } = await stack.get<PipelineListResponse>(`/v1/pipelines?to=${t0 + 500}`);
    expect(early.pipelines.map((p) => [p.name, p.runs])).toEqual([['search', 1]]);
    const bad = await stack.get<ErrorResponse>('/v1/pipelines?limit=10001');
    expect(bad.body.error.message).toBe('limit must be an integer from 1 to 10000, got "10001"');
  });
});

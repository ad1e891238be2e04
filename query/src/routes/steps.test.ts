import type {
  DecisionDetail,
  DecisionListResponse,
  ErrorResponse,
  Payload,
  ReasonHistogramResponse,
} from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DecisionSpec, openRouteStack, type RouteStack } from './routes.fixture.js';

let stack: RouteStack;
let stepId: string;
let rankId: string;
const theirKey = () => stack.keys[stack.projects[1]!];

beforeAll(async () => {
  stack = await openRouteStack('steps');
  // filter: 8 eliminated (5 "stale" by code, 3 "off topic" as text), 2 kept; rank: scores 0.1 .. 1.0.
  const filter: DecisionSpec[] = Array.from({ length: 10 }, (_, i): DecisionSpec => {
    if (i < 5) return [`doc-${i}`, 'eliminated', `stale since ${2020 + i}`, { code: 'stale', input: { id: i } }];
    if (i < 8) return [`doc-${i}`, 'eliminated', 'off topic'];
    return [`doc-${i}`, 'kept', 'fine', { important: i === 9 }];
  });
  const rank = Array.from({ length: 10 }, (_, i): DecisionSpec => [
    `doc-${i}`,
    'scored',
    'ranked',
    { score: (i + 1) / 10 },
  ]);
  const [run] = await stack.write([
    {
      pipeline: 'search',
      steps: [
        { name: 'filter', decisions: filter },
        { name: 'rank', type: 'rank', decisions: rank },
      ],
    },
  ]);
  [stepId, rankId] = run!.stepIds as [string, string];
});
afterAll(() => stack.close());

const items = (body: DecisionListResponse) => body.decisions.map((d) => d.itemId);

describe('GET /v1/steps/{stepId}/decisions', () => {
  it('lists the decisions in decision order, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: string = `/v1/steps/${stepId}/decisions?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await stack.get<DecisionListResponse>(page);
      expect([status, body.stepId]).toEqual([200, stepId]);
      seen.push(...items(body));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `doc-${i}`));
  });

  it('answers each decision with its id, reason, code and marks', async () => {
    const { body } = await stack.get<DecisionListResponse>(`/v1/steps/${stepId}/decisions?itemId=doc-0`);
    expect(body.decisions).toEqual([
      {
        eventId: `${stepId}-0`,
        runId: expect.stringMatching(/^[0-9a-f]{32}$/),
        stepId,
        seq: 0,
        itemId: 'doc-0',
        outcome: 'eliminated',
        reason: 'stale since 2020',
        reasonCode: 'stale',
        score: null,
        timestamp: expect.stringMatching(/Z$/),
      },
    ]);
    const { body: marked } = await stack.get<DecisionListResponse>(`/v1/steps/${stepId}/decisions?itemId=doc-9`);
    expect(marked.decisions[0]!.important).toBe(true);
  });

  it('filters by outcome, reason code, exact reason text and score range', async () => {
    const get = async (query: string, step = stepId) =>
      items((await stack.get<DecisionListResponse>(`/v1/steps/${step}/decisions?${query}`)).body);
    expect(await get('outcome=kept')).toEqual(['doc-8', 'doc-9']);
    expect(await get('reasonCode=stale')).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(await get(`reason=${encodeURIComponent('off topic')}`)).toEqual(['doc-5', 'doc-6', 'doc-7']);
    expect(await get(`reason=off`)).toEqual([]);
    expect(await get('minScore=0.75&maxScore=0.9', rankId)).toEqual(['doc-7', 'doc-8']);
  });

  it('answers 404 for an unknown step or one of another project, 400 naming a bad parameter', async () => {
    const unknown = await stack.get<ErrorResponse>(`/v1/steps/${'f'.repeat(16)}/decisions`);
    expect([unknown.status, unknown.body.error.message]).toEqual([
      404,
      `No step ${'f'.repeat(16)} in this project. Step ids come from GET /v1/runs/{runId}/steps.`,
    ]);
    expect((await stack.get(`/v1/steps/${stepId}/decisions`, theirKey())).status).toBe(404);
    const bad = async (query: string) =>
      (await stack.get<ErrorResponse>(`/v1/steps/${stepId}/decisions?${query}`)).body.error.message;
    expect(await bad('outcome=maybe')).toBe('outcome must be one of kept, eliminated, scored; got "maybe"');
    expect(await bad('minScore=high')).toBe('minScore must be a number, got "high"');
    expect(await bad(`cursor=${Buffer.from('99999999999').toString('base64url')}`)).toBe(
      'cursor is not one this API returned; start again without it'
    );
    expect(await bad(`reason=${'r'.repeat(16_385)}`)).toBe('reason must be 1 to 16384 characters long');
    expect((await stack.get<ErrorResponse>('/v1/steps/nope/decisions')).body.error.message).toBe(
      'stepId must be 16 hex characters, got "nope"'
    );
  });
});

describe('GET /v1/steps/{stepId}/reasons', () => {
  it('groups decisions by reason code, else by text, most frequent first, with examples', async () => {
    const { status, body } = await stack.get<ReasonHistogramResponse>(`/v1/steps/${stepId}/reasons`);
    expect(status).toBe(200);
    expect([body.decisionCount, body.recordedCount, body.capture]).toEqual([10, 10, 'full']);
    expect(body.reasons.map((r) => [r.reason, r.byCode, r.decisions, r.share])).toEqual([
      ['stale', true, 5, 0.5],
      ['off topic', false, 3, 0.3],
      ['fine', false, 2, 0.2],
    ]);
    expect(body.reasons[0]!.examples.map((e) => [e.eventId, e.itemId])).toEqual([
      [`${stepId}-0`, 'doc-0'],
      [`${stepId}-1`, 'doc-1'],
      [`${stepId}-2`, 'doc-2'],
    ]);
  });

  it('takes an outcome, a number of examples and an eventual read', async () => {
    const { body } = await stack.get<ReasonHistogramResponse>(
      `/v1/steps/${stepId}/reasons?outcome=kept&examples=1&consistency=eventual`
    );
    expect(body.reasons.map((r) => [r.reason, r.decisions, r.examples.length, r.share])).toEqual([['fine', 2, 1, 1]]);
    const bad = await stack.get<ErrorResponse>(`/v1/steps/${stepId}/reasons?examples=11`);
    expect([bad.status, bad.body.error.message]).toEqual([400, 'examples must be an integer from 1 to 10, got "11"']);
    const sometimes = await stack.get<ErrorResponse>(`/v1/steps/${stepId}/reasons?consistency=sometimes`);
    expect(sometimes.body.error.message).toBe('consistency must be one of exact, eventual; got "sometimes"');
    expect((await stack.get(`/v1/steps/${'0'.repeat(16)}/reasons`)).status).toBe(404);
  });
});

describe('GET /v1/steps/{stepId}/payload and /v1/decisions/{eventId}', () => {
  it("returns the step's raw record from S3", async () => {
    const { status, body } = await stack.get<Payload>(`/v1/steps/${stepId}/payload`);
    expect([status, body]).toMatchObject([200, { kind: 'step', stepId, name: 'filter', input: { step: 'filter' } }]);
    expect((await stack.get(`/v1/steps/${'0'.repeat(16)}/payload`)).status).toBe(404);
  });

  it('returns one decision with its payload, whatever the case of its id', async () => {
    const { status, body } = await stack.get<DecisionDetail>(`/v1/decisions/${stepId.toUpperCase()}-2`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ eventId: `${stepId}-2`, itemId: 'doc-2', reasonCode: 'stale', input: { id: 2 } });
  });

  it('answers 404 for an unknown or foreign decision, 400 for a malformed id', async () => {
    const missing = await stack.get<ErrorResponse>(`/v1/decisions/${stepId}-99`);
    expect([missing.status, missing.body.error.message]).toEqual([
      404,
      `No decision ${stepId}-99 in this project. Decision ids come from GET /v1/steps/{stepId}/decisions.`,
    ]);
    expect((await stack.get(`/v1/decisions/${stepId}-2`, theirKey())).status).toBe(404);
    const bad = await stack.get<ErrorResponse>('/v1/decisions/NOPE');
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'eventId must look like <16 hex chars>-<sequence number>, got "nope"',
    ]);
  });
});

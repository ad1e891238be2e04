import type {
  DecisionDetail,
  DecisionListResponse,
  ErrorResponse,
  PipelineListResponse,
  ReasonHistogramResponse,
  RunListResponse,
  RunSummary,
  StepListResponse,
} from '@xray/core/api';
import { XRay } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';
import { sendSearchRun } from './pipeline.fixture.js';

// The whole path for real: SDK -> receiver -> Redis -> processor -> ClickHouse + S3 -> query API.
let stack: TestStack;
let runId: string;

beforeAll(async () => {
  stack = await startTestStack('e2e');
  const xray = new XRay({ endpoint: `${stack.receiverUrl}/v1/traces`, apiKey: stack.keys.ingestKey, capture: 'full' });
  runId = await sendSearchRun(xray);
  await xray.shutdown();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function stepsOf(id: string) {
  return eventually(
    async () => {
      const { status, body } = await stack.get<StepListResponse>(`/v1/runs/${id}/steps`);
      return status === 200 && body.steps.length === 3 ? body.steps : undefined;
    },
    30_000,
    'three steps to be queryable'
  );
}

describe('a pipeline run through the whole stack', () => {
  it('lists the run with exact run metrics', async () => {
    const run = await eventually(
      async () => {
        const { body } = await stack.get<RunListResponse>('/v1/runs');
        return body.runs.find((r) => r.runId === runId);
      },
      30_000,
      'the run to be listed'
    );
    expect(run).toMatchObject({
      pipeline: 'e2e-search',
      status: 'ok',
      totalSteps: 3,
      inputCount: 1000,
      outputCount: 10,
    });
    expect(run.eliminationRatio).toBeCloseTo(0.99, 10);
    const { body: one } = await stack.get<RunSummary>(`/v1/runs/${runId}`);
    expect(one).toEqual(run);
  });

  it('lists the pipelines that ran in a time range, with run counts and elimination ratio', async () => {
    const { body } = await stack.get<PipelineListResponse>('/v1/pipelines');
    expect(body.pipelines).toEqual([
      { name: 'e2e-search', runs: 1, lastRunAt: expect.any(String), eliminationRatio: expect.closeTo(0.99, 10) },
    ]);
    const { body: none } = await stack.get<PipelineListResponse>(
      `/v1/pipelines?to=${Date.parse(body.pipelines[0]!.lastRunAt)}`
    );
    expect(none.pipelines).toEqual([]);
    const bad = await stack.get<ErrorResponse>('/v1/pipelines?from=yesterday');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_parameter']);
  });

  it('gives the step timeline in execution order with exact counts and ratios', async () => {
    const steps = await stepsOf(runId);
    expect(
      steps.map((s) => [s.name, s.type, s.inputCount, s.outputCount, s.keptCount, s.eliminatedCount, s.scoredCount])
    ).toEqual([
      ['filter-by-rank', 'filter', 1000, 863, 863, 137, 0],
      ['rank-by-score', 'rank', 863, 863, 0, 0, 863],
      ['select-top-10', 'filter', 863, 10, 10, 853, 0],
    ]);
    expect(steps[0]!.eliminationRatio).toBeCloseTo(0.137, 10);
    expect(steps[1]!.eliminationRatio).toBe(0);
  });

  it("gives each step's share of the run's elimination and flags the step that eliminated most", async () => {
    const steps = await stepsOf(runId);
    const { body } = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
    expect(body.worstStepId).toBe(steps[2]!.stepId);
    expect(body.steps.map((s) => s.eliminationShare)).toEqual([137 / 990, 0, 853 / 990]);
  });

  it('explains a step with a reason histogram and example decisions', async () => {
    const [, , select] = await stepsOf(runId);
    const { status, body } = await stack.get<ReasonHistogramResponse>(`/v1/steps/${select!.stepId}/reasons`);
    expect(status).toBe(200);
    expect([body.decisionCount, body.recordedCount, body.capture]).toEqual([863, 863, 'full']);
    expect(body.reasons.map((r) => [r.reason, r.byCode, r.decisions])).toEqual([
      ['not in top 10', false, 853],
      ['in top 10', false, 10],
    ]);
    expect(body.reasons[0]!.share).toBeCloseTo(853 / 863, 10);
    // The first three eliminated, in decision order (the survivors of filter-by-rank, ranks 137 up).
    expect(body.reasons[0]!.examples.map((e) => [e.itemId, e.outcome])).toEqual([
      ['doc-137', 'eliminated'],
      ['doc-138', 'eliminated'],
      ['doc-139', 'eliminated'],
    ]);
    const { body: example } = await stack.get<DecisionDetail>(`/v1/decisions/${body.reasons[0]!.examples[0]!.eventId}`);
    expect(example.itemId).toBe('doc-137');
    const kept = await stack.get<ReasonHistogramResponse>(
      `/v1/steps/${select!.stepId}/reasons?outcome=kept&examples=1`
    );
    expect(kept.body.reasons.map((r) => [r.reason, r.decisions, r.examples.length, r.share])).toEqual([
      ['in top 10', 10, 1, 1],
    ]);
    const bad = await stack.get<ErrorResponse>(`/v1/steps/${select!.stepId}/reasons?examples=11`);
    expect([bad.status, bad.body.error.message]).toEqual([400, 'examples must be an integer from 1 to 10, got "11"']);
    expect((await stack.get(`/v1/steps/${'0'.repeat(16)}/reasons`)).status).toBe(404);
  });

  it('filters decisions by score range', async () => {
    const [, rank] = await stepsOf(runId);
    const { body } = await stack.get<DecisionListResponse>(
      `/v1/steps/${rank!.stepId}/decisions?minScore=0.995&maxScore=0.998`
    );
    expect(body.decisions.map((d) => d.itemId)).toEqual(['doc-995', 'doc-996', 'doc-997', 'doc-998']);
    const bad = await stack.get<ErrorResponse>(`/v1/steps/${rank!.stepId}/decisions?minScore=high`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_parameter']);
  });

  it('filters decisions by their exact reason text', async () => {
    const [filter] = await stepsOf(runId);
    const { body } = await stack.get<DecisionListResponse>(
      `/v1/steps/${filter!.stepId}/decisions?reason=${encodeURIComponent('Rank 42 below 137')}`
    );
    expect(body.decisions.map((d) => d.itemId)).toEqual(['doc-42']);
    const { body: none } = await stack.get<DecisionListResponse>(`/v1/steps/${filter!.stepId}/decisions?reason=Rank`);
    expect(none.decisions).toEqual([]);
  });

  it('pages through exactly the 137 eliminated decisions with their reasons', async () => {
    const [filter] = await stepsOf(runId);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/steps/${filter!.stepId}/decisions?outcome=eliminated&limit=50${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await stack.get<DecisionListResponse>(query);
      expect(status).toBe(200);
      for (const d of body.decisions) {
        expect(d.outcome).toBe('eliminated');
        expect(d.reason).toMatch(/^Rank \d+ below 137$/);
        seen.push(d.itemId);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(137);
    expect(seen).toEqual(Array.from({ length: 137 }, (_, i) => `doc-${i}`));
  });

  it("returns one decision's full payload from S3", async () => {
    const steps = await stepsOf(runId);
    const { body: list } = await stack.get<DecisionListResponse>(
      `/v1/steps/${steps[0]!.stepId}/decisions?itemId=doc-42`
    );
    expect(list.decisions).toHaveLength(1);
    const { status, body } = await stack.get<DecisionDetail>(`/v1/decisions/${list.decisions[0]!.eventId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      itemId: 'doc-42',
      outcome: 'eliminated',
      reason: 'Rank 42 below 137',
      input: { id: 'doc-42', rank: 42, title: 'Document 42' },
      metadata: { threshold: 137 },
    });
    const hostile = await stack.get<DecisionListResponse>(
      `/v1/steps/${steps[0]!.stepId}/decisions?itemId=${encodeURIComponent("doc-42' OR '1'='1")}`
    );
    expect([hostile.status, hostile.body.decisions]).toEqual([200, []]);
    const { body: scored } = await stack.get<DecisionListResponse>(
      `/v1/steps/${steps[1]!.stepId}/decisions?itemId=doc-999`
    );
    expect(scored.decisions[0]).toMatchObject({ outcome: 'scored', score: 0.999 });
  });

  it('answers unknown ids with 404 and malformed parameters with 400, each with a message', async () => {
    const cases: [string, number][] = [
      [`/v1/runs/${'f'.repeat(32)}`, 404],
      [`/v1/runs/${'f'.repeat(32)}/steps`, 404],
      [`/v1/steps/${'f'.repeat(16)}/decisions`, 404],
      [`/v1/decisions/${'f'.repeat(16)}-1`, 404],
      ['/v1/runs/not-a-run', 400],
      ['/v1/runs?limit=0', 400],
      ['/v1/runs?minEliminationRatio=2', 400],
      ['/v1/runs?from=yesterday', 400],
      ['/v1/runs?cursor=%%%', 400],
      [
        `/v1/runs?cursor=${Buffer.from(JSON.stringify({ t: 'yesterday', r: 'f'.repeat(32) })).toString('base64url')}`,
        400,
      ],
      [`/v1/steps/${'f'.repeat(16)}/decisions?cursor=${Buffer.from('99999999999').toString('base64url')}`, 400],
      ['/v1/runs?from=99999999999999999999', 400],
      [`/v1/steps/${'f'.repeat(16)}/decisions?outcome=maybe`, 400],
      ['/v1/decisions/nope', 400],
    ];
    for (const [path, expected] of cases) {
      const { status, body } = await stack.get<ErrorResponse>(path);
      expect([path, status]).toEqual([path, expected]);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
  });

  it('filters runs by pipeline and elimination ratio', async () => {
    await eventually(async () =>
      (await stack.get<RunListResponse>('/v1/runs')).body.runs.length > 0 ? true : undefined
    );
    expect(
      (await stack.get<RunListResponse>('/v1/runs?pipeline=e2e-search&minEliminationRatio=0.9')).body.runs.map(
        (r) => r.runId
      )
    ).toEqual([runId]);
    expect((await stack.get<RunListResponse>('/v1/runs?minEliminationRatio=0.995')).body.runs).toEqual([]);
    expect((await stack.get<RunListResponse>('/v1/runs?pipeline=other')).body.runs).toEqual([]);
    expect((await stack.get<RunListResponse>('/v1/runs?from=2000-01-01&to=2000-01-02')).body.runs).toEqual([]);
  });

  it('reports health, readiness and Prometheus metrics on every service', async () => {
    await stepsOf(runId);
    for (const base of [stack.receiverUrl, stack.processorUrl, stack.queryUrl]) {
      expect([base, (await fetch(`${base}/healthz`)).status]).toEqual([base, 200]);
      const ready = await fetch(`${base}/readyz`);
      expect([base, ready.status]).toEqual([base, 200]);
    }
    const metric = async (base: string, name: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    expect(await metric(stack.receiverUrl, 'xray_receiver_requests_total{status="200"}')).toBeGreaterThan(0);
    expect(await metric(stack.receiverUrl, 'xray_receiver_spans_accepted_total')).toBeGreaterThan(3);
    expect(await metric(stack.processorUrl, 'xray_processor_decisions_total')).toBe(1000 + 863 + 863);
    expect(await metric(stack.processorUrl, 'xray_processor_queue_pending')).toBe(0);
    expect(await metric(stack.processorUrl, 'xray_processor_queue_lag')).toBe(0);
    expect(
      await metric(stack.queryUrl, 'xray_query_requests_total{route="/v1/runs/:runId/steps",status="200"}')
    ).toBeGreaterThan(0);
  });
});

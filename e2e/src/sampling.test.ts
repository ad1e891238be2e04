import type { DecisionListResponse, StepListResponse } from '@xray/core/api';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Capture levels across the whole path: counts exact at every level, sampled decisions listable
// under their own positions, the unusual always kept.
let stack: TestStack;
const runs: Record<string, string> = {};
const items = Array.from({ length: 5000 }, (_, i) => ({ id: `item-${i}` }));

beforeAll(async () => {
  stack = await startTestStack('sampling');
  const xray = new XRay({
    endpoint: `${stack.receiverUrl}/v1/traces`,
    apiKey: stack.keys.ingestKey,
    watchList: ['item-2500'],
  });
  for (const capture of ['full', 'sampled', 'metrics_only'] as const) {
    const runId = await xray.startRun(`capture-${capture}`, items, { capture });
    runs[capture] = runId;
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: typeof items) =>
        input.map((it, i) => ({
          itemId: it.id,
          outcome: i % 5 === 0 ? ELIMINATED : KEPT,
          reason: i === 4321 ? 'Blocked vendor' : i % 5 === 0 ? `Score ${i % 97} below 50` : 'passes',
          reasonCode: i === 4321 ? 'blocked' : i % 5 === 0 ? 'low_score' : 'ok',
          important: i === 1234,
        })),
      items
    );
    await xray.endRun(runId, undefined);
  }
  await xray.shutdown();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function step(capture: string) {
  return eventually(
    async () => {
      const { status, body } = await stack.get<StepListResponse>(`/v1/runs/${runs[capture]}/steps`);
      return status === 200 && body.steps.length === 1 ? body.steps[0]! : undefined;
    },
    30_000,
    `the ${capture} step`
  );
}

async function allDecisions(stepId: string) {
  const out: DecisionListResponse['decisions'] = [];
  let cursor: string | null = null;
  do {
    const page: { body: DecisionListResponse } = await stack.get<DecisionListResponse>(
      `/v1/steps/${stepId}/decisions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`
    );
    out.push(...page.body.decisions);
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

describe('capture levels through the whole stack', () => {
  it('keeps counts exact at every level; only the recorded decisions differ', async () => {
    for (const capture of ['full', 'sampled', 'metrics_only']) {
      const s = await step(capture);
      expect([capture, s.inputCount, s.keptCount, s.eliminatedCount, s.decisionCount, s.eliminationRatio]).toEqual([
        capture,
        5000,
        4000,
        1000,
        5000,
        0.2,
      ]);
      expect(s.capture).toBe(capture);
    }
    expect((await step('full')).recordedCount).toBe(5000);
    expect((await step('metrics_only')).recordedCount).toBe(0);
    const sampled = await step('sampled');
    expect(sampled.recordedCount).toBeGreaterThan(0);
    expect(sampled.recordedCount).toBeLessThan(60);
  });

  it('lists exactly the sampled decisions under their own positions, the unusual among them', async () => {
    const s = await step('sampled');
    const recorded = await eventually(
      async () => {
        const d = await allDecisions(s.stepId);
        return d.length === s.recordedCount ? d : undefined;
      },
      30_000,
      'the sampled decisions'
    );
    const bySeq = new Map(recorded.map((d) => [d.seq, d]));
    for (const d of recorded) expect(d.itemId).toBe(`item-${d.seq}`);
    expect(bySeq.has(0)).toBe(true); // first
    expect(bySeq.has(4999)).toBe(true); // last
    expect(bySeq.get(1234)?.important).toBe(true); // marked important
    expect(bySeq.has(2500)).toBe(true); // on the watch list
    expect(bySeq.get(4321)?.reasonCode).toBe('blocked'); // the one rare reason
    expect(new Set(recorded.map((d) => d.outcome))).toEqual(new Set(['kept', 'eliminated']));
  });
});

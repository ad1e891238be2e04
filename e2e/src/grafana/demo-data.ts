import type { DecisionListResponse, RunSummary, StepListResponse } from '@xray/core/api';
import { XRay } from '@xray/sdk';
import { makeDocs, runPipeline } from '@xray/stack';
import { eventually, type TestStack } from '../harness.js';

/** The seed's walkthrough as data: the buggy run (ALL keywords required) and its fix (SOME). */
export interface DemoRuns {
  buggy: string;
  fixed: string;
  /** The step that eliminated most in the buggy run, and one item it eliminated. */
  worstStepId: string;
  eliminatedItem: string;
  eliminatedEventId: string;
}

/** Runs the demo pipeline twice through the real SDK and waits until the query API answers for both. */
export async function loadDemoRuns(stack: TestStack): Promise<DemoRuns> {
  const xray = new XRay({
    endpoint: `${stack.receiverUrl}/v1/traces`,
    apiKey: stack.keys.ingestKey,
    serviceName: 'x-ray-demo',
    capture: 'full',
  });
  const docs = makeDocs(1000);
  const buggy = await runPipeline(xray, docs, 'all');
  await new Promise((r) => setTimeout(r, 20)); // the fix starts later: newest first lists it first
  const fixed = await runPipeline(xray, docs, 'some');
  await xray.shutdown();
  for (const id of [buggy, fixed]) {
    await eventually(
      async () => {
        const run = await stack.get<RunSummary>(`/v1/runs/${id}`);
        const steps = await stack.get<StepListResponse>(`/v1/runs/${id}/steps`);
        return run.status === 200 && steps.body.steps?.length === 4 ? true : undefined;
      },
      30_000,
      `run ${id} to be queryable`
    );
  }
  const steps = (await stack.get<StepListResponse>(`/v1/runs/${buggy}/steps`)).body;
  const worstStepId = steps.worstStepId!;
  const worst = steps.steps.find((s) => s.stepId === worstStepId)!;
  const eliminated = await eventually(
    async () => {
      const page = await stack.get<DecisionListResponse>(
        `/v1/steps/${worstStepId}/decisions?outcome=eliminated&limit=5`
      );
      return page.body.decisions.length > 0 && page.body.decisions.length >= Math.min(5, worst.eliminatedCount)
        ? page.body.decisions[0]
        : undefined;
    },
    30_000,
    'eliminated decisions to be listed'
  );
  return { buggy, fixed, worstStepId, eliminatedItem: eliminated.itemId, eliminatedEventId: eliminated.eventId };
}

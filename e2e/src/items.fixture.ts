import type { StepListResponse } from '@xray/core/api';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Two runs of one pipeline with different rules, and a run of another pipeline: the data the item
// questions (items.test.ts) and the xray command (cli.test.ts) are asked about.
export const ITEMS = Array.from({ length: 100 }, (_, i) => ({ id: `item-${i}`, i }));
type Item = (typeof ITEMS)[number];

/** The runs sent: A and B of `search` (B newer), and one of `other`. */
export interface ItemRuns {
  a: string;
  b: string;
  other: string;
}

/** filter: drops multiples of `every`; cap: drops i >= cap. Returns where each item died (or undefined). */
export const fate = (every: number, cap: number) => (x: Item) =>
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

async function ready(stack: TestStack, runId: string) {
  await eventually(
    async () => {
      const { body } = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
      return body.steps?.length === 2 && (await stack.get(`/v1/runs/${runId}`)).status === 200 ? true : undefined;
    },
    30_000,
    `run ${runId}`
  );
}

/** A test stack of its own holding the three runs, once their steps are queryable. */
export async function startItemsStack(name: string): Promise<{ stack: TestStack; runs: ItemRuns }> {
  const stack = await startTestStack(name);
  const runs: ItemRuns = { a: '', b: '', other: '' };
  const xray = new XRay({ endpoint: `${stack.receiverUrl}/v1/traces`, apiKey: stack.keys.ingestKey, capture: 'full' });
  runs.a = await send(xray, 'search', 2, 80);
  await new Promise((r) => setTimeout(r, 20)); // B starts later: newest first puts it first
  runs.b = await send(xray, 'search', 4, 90);
  runs.other = await send(xray, 'other', 3, 50);
  await xray.shutdown();
  for (const id of Object.values(runs)) await ready(stack, id);
  return { stack, runs };
}

import { createClient } from '@clickhouse/client';
import { KEPT, ELIMINATED, XRay, XRStepType } from '@xray/sdk';
import type { BenchStack } from './util.js';

/**
 * Decisions per second through the whole path: SDK → receiver → Redis → processor → queryable.
 * `endpoint` sends the spans elsewhere first (a collector); payloads still go to the receiver.
 */
export async function wholePath(
  stack: BenchStack,
  runs: number,
  decisionsPerStep: number,
  endpoint = stack.services.receiverUrl
): Promise<{ decisions: number; stored: number; seconds: number }> {
  const ch = createClient({ url: stack.storage.clickhouseUrl, database: stack.settings.database });
  const count = async () =>
    Number(
      (
        await (
          await ch.query({
            query: 'SELECT count() c FROM decision_events FINAL WHERE project_id = {p:String}',
            query_params: { p: stack.settings.projectId },
            format: 'JSONEachRow',
          })
        ).json<{ c: string }>()
      )[0]!.c
    );
  const before = await count();
  const xray = new XRay({
    endpoint: `${endpoint}/v1/traces`,
    payloadEndpoint: stack.services.receiverUrl,
    apiKey: stack.services.keys.ingestKey,
    capture: 'full',
  });
  const started = performance.now();
  const items = Array.from({ length: decisionsPerStep }, (_, i) => ({
    id: `item-${i}`,
    title: `Item number ${i}`,
    score: (i % 100) / 100,
  }));
  for (let r = 0; r < runs; r++) {
    const runId = await xray.startRun('bench', items);
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: typeof items) =>
        input.map((it) => ({
          itemId: it.id,
          outcome: it.score >= 0.3 ? KEPT : ELIMINATED,
          reason: it.score >= 0.3 ? 'ok' : `Score ${it.score} below 0.3`,
          score: it.score,
          input: it,
        })),
      items
    );
    await xray.endRun(runId, undefined);
  }
  await xray.shutdown();
  const expected = before + runs * decisionsPerStep;
  let stored = await count();
  while (stored < expected && performance.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 50));
    stored = await count();
  }
  const seconds = (performance.now() - started) / 1000;
  await ch.close();
  return { decisions: runs * decisionsPerStep, stored: stored - before, seconds };
}

/** Time from the SDK's flush (the receiver said 200) to the decision being returned by the query API. */
export async function freshness(stack: BenchStack, samples: number): Promise<number[]> {
  const xray = new XRay({
    endpoint: `${stack.services.receiverUrl}/v1/traces`,
    apiKey: stack.services.keys.ingestKey,
    capture: 'full',
  });
  const q = stack.services.queryUrl;
  const read = { authorization: `Bearer ${stack.services.keys.readKey}` };
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const items = Array.from({ length: 100 }, (_, j) => ({ id: `f-${i}-${j}` }));
    const runId = await xray.startRun('freshness', items);
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: typeof items) => input.map((it) => ({ itemId: it.id, outcome: KEPT, reason: 'ok' })),
      items
    );
    await xray.endRun(runId, undefined);
    await xray.flush();
    const t0 = performance.now();
    let stepId: string | undefined;
    for (;;) {
      if (!stepId) {
        const steps = (await (await fetch(`${q}/v1/runs/${runId}/steps`, { headers: read })).json()) as {
          steps?: { stepId: string }[];
        };
        stepId = steps.steps?.[0]?.stepId;
      }
      if (stepId) {
        const page = (await (
          await fetch(`${q}/v1/steps/${stepId}/decisions?limit=1&itemId=f-${i}-99`, { headers: read })
        ).json()) as { decisions?: unknown[] };
        if (page.decisions?.length) break;
      }
      if (performance.now() - t0 > 30_000) throw new Error('freshness sample timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(performance.now() - t0);
  }
  await xray.shutdown();
  return out;
}

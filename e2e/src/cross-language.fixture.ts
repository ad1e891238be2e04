import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { ELIMINATED, KEPT, SCORED, XRStepType, XRay, survivors, type Decision } from '@xray/sdk';

// The cross-language scenario, TypeScript side (e2e/python/scenario.py is the same pipeline in
// Python): 1,000 items; a filter that eliminates exactly 137 of them, sampled; a rank step over the
// 863 survivors, recorded in full. Both sides use the same fixed ids, so their runs, steps and
// sampled positions can be compared one for one.

export const SCENARIO = {
  runId: '5ca1ab1e0000000000000000000c0de5',
  /** Span ids in the order the SDK starts spans: the run, the filter step, the rank step, then chunk spans. */
  spanIds: Array.from({ length: 16 }, (_, i) => (0xfee0 + i).toString(16).padStart(16, '0')),
  items: 1000,
  eliminated: 137,
  samplingSeed: 11,
} as const;

interface Item {
  id: string;
  score: number;
  title: string;
}

/** Item i's score: a permutation of 0.0005-0.9995 (all distinct, none whole), so exactly `eliminated` items score below the threshold. */
const scoreOf = (i: number) => (((i * 7919) % 1000) + 0.5) / 1000;
const THRESHOLD = SCENARIO.eliminated / 1000;

export function scenarioItems(): Item[] {
  return Array.from({ length: SCENARIO.items }, (_, i) => ({
    id: `item-${i}`,
    score: scoreOf(i),
    title: `Item ${i} — ü`,
  }));
}

export function fixedIds(): IdGenerator {
  let next = 0;
  return {
    generateTraceId: () => SCENARIO.runId,
    generateSpanId: () => SCENARIO.spanIds[next++] ?? '00000000000000ff',
  };
}

/** Runs the scenario with the TypeScript SDK against `endpoint`; returns the run id. */
export async function runScenario(endpoint: string, apiKey: string): Promise<string> {
  const xray = new XRay({
    endpoint,
    apiKey,
    capture: 'sampled',
    samplingSeed: SCENARIO.samplingSeed,
    idGenerator: fixedIds(),
  });
  const items = scenarioItems();
  const runId = await xray.startRun('cross-language', { items: items.length, threshold: THRESHOLD });
  const filtered = await xray.step(
    runId,
    XRStepType.FILTER,
    'threshold',
    (input: Item[]): Decision<Item>[] =>
      input.map((item) => ({
        itemId: item.id,
        outcome: item.score < THRESHOLD ? ELIMINATED : KEPT,
        reason: item.score < THRESHOLD ? `Score ${item.score} below ${THRESHOLD}` : `Score ${item.score} passes`,
        ...(item.score < THRESHOLD ? { reasonCode: 'low_score' } : {}),
        score: item.score,
        input: item,
      })),
    items
  );
  const kept = survivors(filtered).map((d) => d.input!);
  const ranked = [...kept].sort((a, b) => b.score - a.score);
  await xray.step(
    runId,
    XRStepType.RANK,
    'rank',
    (input: Item[]) =>
      input.map((item, rank) => ({
        itemId: item.id,
        outcome: SCORED,
        reason: `Rank ${rank + 1} of ${input.length}`,
        score: item.score,
        output: { id: item.id, rank: rank + 1 },
        ...(rank < 3 ? { important: true, metadata: { podium: true, tags: ['top', 'ü'] } } : {}),
      })),
    ranked,
    { capture: 'full' }
  );
  await xray.endRun(
    runId,
    ranked.slice(0, 10).map((i) => i.id)
  );
  await xray.shutdown();
  return runId;
}

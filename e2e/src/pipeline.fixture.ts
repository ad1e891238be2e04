import { ELIMINATED, KEPT, SCORED, type XRay, XRStepType } from '@xray/sdk';

// The run the whole-path test asks about: 1,000 documents through three steps.
interface Doc {
  id: string;
  rank: number;
  title: string;
}

const DOCS: Doc[] = Array.from({ length: 1000 }, (_, i) => ({
  id: `doc-${i}`,
  rank: i,
  title: `Document ${i}`,
}));

/**
 * Records one run of `e2e-search`: filter-by-rank eliminates exactly the 137 documents ranked below
 * 137, rank-by-score scores the rest, select-top-10 keeps the ten best. Returns the run id.
 */
export async function sendSearchRun(xray: XRay): Promise<string> {
  const items = DOCS;
  const runId = await xray.startRun('e2e-search', items);
  // Eliminates exactly 137 items: those whose rank is below 137.
  const filtered = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter-by-rank',
    (input: Doc[]) =>
      input.map((doc) => ({
        itemId: doc.id,
        outcome: doc.rank < 137 ? ELIMINATED : KEPT,
        reason: doc.rank < 137 ? `Rank ${doc.rank} below 137` : `Rank ${doc.rank} passes`,
        input: doc,
        metadata: { threshold: 137 },
      })),
    items
  );
  const survivors = filtered.filter((d) => d.outcome !== ELIMINATED).map((d) => d.input);
  const ranked = await xray.step(
    runId,
    XRStepType.RANK,
    'rank-by-score',
    async (input: Doc[]) =>
      input.map((doc) => ({ itemId: doc.id, outcome: SCORED, reason: 'scored', score: doc.rank / 1000, input: doc })),
    survivors
  );
  const top = [...ranked].sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).slice(0, 10);
  const topIds = new Set(top.map((d) => d.itemId));
  const selected = await xray.step(
    runId,
    XRStepType.FILTER,
    'select-top-10',
    (input: Doc[]) =>
      input.map((doc) => ({
        itemId: doc.id,
        outcome: topIds.has(doc.id) ? KEPT : ELIMINATED,
        reason: topIds.has(doc.id) ? 'in top 10' : 'not in top 10',
      })),
    survivors
  );
  await xray.endRun(
    runId,
    selected.filter((d) => d.outcome === KEPT)
  );
  return runId;
}

import { ELIMINATED, KEPT, SCORED, type XRay, XRStepType } from '@xray/sdk';

/** The seed's scenario: a vendor-document search whose keyword filter is too strict. */
export const PIPELINE = 'vendor-search';
export const REQUIRED_KEYWORDS = ['security', 'compliance'] as const;
const OTHER_KEYWORDS = ['pricing', 'support', 'integration', 'sla'];

export interface Doc {
  id: string;
  title: string;
  keywords: string[];
  relevance: number;
}

/** Deterministic documents: each has each required keyword with probability ~0.39. */
export function makeDocs(count: number, seed = 42): Doc[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => {
    const keywords = [...REQUIRED_KEYWORDS, ...OTHER_KEYWORDS].filter(
      (k) => random() < (REQUIRED_KEYWORDS.includes(k as never) ? 0.39 : 0.5)
    );
    return {
      id: `vendor-doc-${String(i).padStart(4, '0')}`,
      title: `Vendor document ${i}`,
      keywords,
      relevance: Math.round(random() * 1000) / 1000,
    };
  });
}

/**
 * Runs the pipeline once through the SDK. `mode` is the bug and its fix: `all` requires every
 * required keyword (the bug), `some` requires at least one.
 */
export async function runPipeline(xray: XRay, docs: Doc[], mode: 'all' | 'some'): Promise<string> {
  const runId = await xray.startRun(PIPELINE, {
    query: 'vendors with security and compliance docs',
    documents: docs.length,
    mode,
  });
  await xray.step(
    runId,
    XRStepType.RETRIEVE,
    'retrieve-candidates',
    (input: Doc[]) =>
      input.map((doc) => ({ itemId: doc.id, outcome: KEPT, reason: 'Matched the search index', input: doc })),
    docs
  );

  const byKeywords = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter-by-keywords',
    (input: Doc[]) =>
      input.map((doc) => {
        const missing = REQUIRED_KEYWORDS.filter((k) => !doc.keywords.includes(k));
        const passes = mode === 'all' ? missing.length === 0 : missing.length < REQUIRED_KEYWORDS.length;
        return {
          itemId: doc.id,
          outcome: passes ? KEPT : ELIMINATED,
          reason: passes
            ? `Has required keywords (${mode === 'all' ? 'all' : 'some'} of ${REQUIRED_KEYWORDS.join(', ')})`
            : `Missing required keywords: ${missing.join(', ')}`,
          input: doc,
          metadata: { required: REQUIRED_KEYWORDS, match: mode },
        };
      }),
    docs
  );
  const kept = byKeywords.filter((d) => d.outcome === KEPT).map((d) => d.input);

  const ranked = await xray.step(
    runId,
    XRStepType.RANK,
    'rank-by-relevance',
    (input: Doc[]) =>
      input.map((doc) => ({
        itemId: doc.id,
        outcome: SCORED,
        reason: `Relevance ${doc.relevance}`,
        score: doc.relevance,
        input: doc,
      })),
    kept
  );

  const final = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter-by-score',
    (input: Doc[]) =>
      input.map((doc) => ({
        itemId: doc.id,
        outcome: doc.relevance >= 0.05 ? KEPT : ELIMINATED,
        reason:
          doc.relevance >= 0.05 ? `Score ${doc.relevance} >= 0.05` : `Score ${doc.relevance} below threshold 0.05`,
        score: doc.relevance,
      })),
    ranked.map((d) => d.input)
  );
  await xray.endRun(
    runId,
    final.filter((d) => d.outcome === KEPT).map((d) => d.itemId)
  );
  return runId;
}

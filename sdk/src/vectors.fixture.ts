import type { SampleInput } from './sampler.js';

// The inputs of the shared test vectors (otel/test-vectors/): every X-Ray SDK must turn them into
// exactly the expected outputs stored beside them. Deterministic (no randomness, no clock), and
// chosen for the rules most likely to differ between languages: 32-bit hashing of run ids and seeds
// past 2^32 or below 0, reason classes cut in the middle of a surrogate pair, digits that are not
// ASCII, JSON numbers (1.0, 1e21, 1e-7, -0), non-ASCII text and control characters.

/** One decision as the vectors hold it (the TypeScript SDK's `Decision` shape, JSON values only). */
export interface VectorDecision extends SampleInput {
  score?: number;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
}

export interface SamplerCase {
  name: string;
  runId: string;
  seed: number;
  stepIndex: number;
  watchList: string[];
  decisions: VectorDecision[];
}

export interface RecordingCase {
  name: string;
  ids: { traceId: string; spanIds: string[] };
  options: {
    capture: string;
    samplingSeed: number;
    decisionsPerSpan: number;
    watchList: string[];
    inlinePayloadBytes: number;
  };
  run: { pipeline: string; input: unknown };
  steps: { name: string; type: string; capture?: string; input: unknown; decisions: VectorDecision[] }[];
  output: unknown;
}

const RUN_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const RUN_B = '00000000000000000000000000000001';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** 1,000 items, every 7th eliminated for a score, every 97th for a keyword, with codes on some. */
function funnel(n: number): VectorDecision[] {
  return range(n).map((i) => {
    if (i % 97 === 13) return { itemId: `doc-${i}`, outcome: 'eliminated', reason: 'Missing keyword: security' };
    if (i % 7 === 3) {
      return {
        itemId: `doc-${i}`,
        outcome: 'eliminated',
        reason: `Score 0.${i % 50} below 0.5`,
        reasonCode: 'low_score',
      };
    }
    return { itemId: `doc-${i}`, outcome: i % 11 === 0 ? 'scored' : 'kept', reason: `Score 0.${50 + (i % 50)} passes` };
  });
}

const surrogateCut = 'é'.repeat(79); // 79 UTF-16 units, then a pair: a JS slice(0, 80) keeps half of it

export const samplerCases: SamplerCase[] = [
  { name: 'a funnel of 1,000', runId: RUN_A, seed: 0, stepIndex: 0, watchList: [], decisions: funnel(1000) },
  { name: 'another seed and step', runId: RUN_A, seed: 42, stepIndex: 3, watchList: [], decisions: funnel(1000) },
  {
    name: 'a seed past 2^32, a watch list and important decisions',
    runId: RUN_B,
    seed: 2 ** 40 + 7,
    stepIndex: 1,
    watchList: ['doc-500', 'doc-1999'],
    decisions: range(2000).map((i) => ({
      itemId: `doc-${i}`,
      outcome: 'kept',
      reason: 'same for all',
      ...(i % 600 === 599 ? { important: true } : {}),
    })),
  },
  {
    name: 'a negative seed',
    runId: RUN_B,
    seed: -5,
    stepIndex: 0,
    watchList: [],
    decisions: range(500).map((i) => ({ itemId: String(i), outcome: 'kept', reason: 'same' })),
  },
  {
    name: 'more reason classes than tracked',
    runId: RUN_A,
    seed: 9,
    stepIndex: 2,
    watchList: [],
    decisions: range(700).map((i) => ({
      itemId: `doc-${i}`,
      outcome: 'eliminated',
      reason: `rule ${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} failed`,
    })),
  },
  {
    name: 'reasons that differ after 80 UTF-16 units, or only in non-ASCII digits',
    runId: RUN_A,
    seed: 3,
    stepIndex: 0,
    watchList: [],
    decisions: range(400).map((i) => {
      const reasons = [
        `${surrogateCut}😀 first`,
        `${surrogateCut}😃 second`,
        `${'x'.repeat(80)}${i}`,
        `threshold ٣ (Arabic-Indic three)`,
        `threshold ٤ (Arabic-Indic four)`,
        `Score ${i} ünder ${i * 3}`,
      ];
      return { itemId: `doc-${i}`, outcome: i % 3 === 0 ? 'scored' : 'kept', reason: reasons[i % reasons.length]! };
    }),
  },
];

/** Reason texts and codes and the class each falls in (the classes themselves are compared). */
export const reasonClassInputs: { reason: string | null; reasonCode: string | null }[] = [
  { reason: 'Score 0.42 vs threshold 0.5', reasonCode: null },
  { reason: 'Score 1 vs 2', reasonCode: 'below' },
  { reason: null, reasonCode: null },
  { reason: '', reasonCode: 'empty' },
  { reason: 'x'.repeat(100), reasonCode: null },
  { reason: `${surrogateCut}😀 and more`, reasonCode: null },
  { reason: 'Missing 12 of 345 keywords: 6', reasonCode: null },
  { reason: 'threshold ٣', reasonCode: null },
];

const item = (i: number) => ({ id: `doc-${i}`, title: `Dokument ${i} — “quoted”`, score: i / 10, tags: ['a', 'é'] });

export const recordingCases: RecordingCase[] = [
  {
    name: 'full capture split over decisions spans, with payloads',
    ids: { traceId: RUN_A, spanIds: range(8).map((i) => (0x1000 + i).toString(16).padStart(16, '0')) },
    options: { capture: 'full', samplingSeed: 0, decisionsPerSpan: 4, watchList: [], inlinePayloadBytes: 16384 },
    run: { pipeline: 'candidate-search', input: { query: 'security compliance', limit: 10 } },
    steps: [
      {
        name: 'filter-by-keywords',
        type: 'filter',
        input: range(10).map(item),
        decisions: range(10).map((i) => ({
          itemId: `doc-${i}`,
          outcome: i % 3 === 0 ? 'eliminated' : 'kept',
          reason: i % 3 === 0 ? 'Missing required keywords: security' : 'All keywords present',
          ...(i % 3 === 0 ? { reasonCode: 'missing_keywords' } : {}),
          input: item(i),
          ...(i === 4
            ? { metadata: { numbers: [1.0, 1e21, 1e-7, -0, 0.1, 123456789.125], text: 'tab\there\u0001' } }
            : {}),
        })),
      },
      {
        name: 'rank',
        type: 'rank',
        input: null,
        decisions: [1, 2, 4, 5, 7, 8].map((i, rank) => ({
          itemId: `doc-${i}`,
          outcome: 'scored',
          score: 1 - rank / 8,
          output: { id: `doc-${i}`, rank },
        })),
      },
    ],
    output: ['doc-1', 'doc-2', 'doc-4'],
  },
  {
    name: 'sampled capture with a watch list, important decisions and a full step',
    ids: { traceId: RUN_B, spanIds: range(12).map((i) => (0xa000 + i).toString(16).padStart(16, '0')) },
    options: {
      capture: 'sampled',
      samplingSeed: 7,
      decisionsPerSpan: 50,
      watchList: ['doc-42'],
      inlinePayloadBytes: 16384,
    },
    run: { pipeline: 'ranking', input: 'q' },
    steps: [
      { name: 'filter', type: 'filter', input: 300, decisions: funnel(300) },
      {
        name: 'threshold',
        type: 'filter',
        capture: 'full',
        input: 3,
        decisions: range(3).map((i) => ({ itemId: `doc-${i}`, outcome: 'kept', important: i === 1 })),
      },
      {
        name: 'score',
        type: 'score',
        capture: 'metrics_only',
        input: 120,
        decisions: range(120).map((i) => ({ itemId: `doc-${i}`, outcome: 'scored', score: i / 120 })),
      },
    ],
    output: { count: 3 },
  },
];

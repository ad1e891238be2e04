import { type HrTime } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ELIMINATED, KEPT, SCORED, XRay, XRStepType } from '@xray/sdk';

// The synthetic store of `npm run bench:questions`: five pipelines, runs spread over the last 30
// days, each run 3-5 steps over items drawn from one shared pool (so an item appears in hundreds of
// runs), every decision recorded (capture full), and two 50k-decision runs of one pipeline whose
// item-level differences are known. Fates are a pure function of (run seed, item, step), so the
// generator can say what any query should answer without keeping the 10M decisions.

export const POOL = 25_000;
export const DAY_MS = 86_400_000;

type StepType = (typeof XRStepType)[keyof typeof XRStepType];

export interface StepDef {
  name: string;
  type: StepType;
  /** Probability that an item entering the step is eliminated there. */
  elim: number;
  /** Outcome of an item that survives: kept, or scored (ranking steps). */
  pass: typeof KEPT | typeof SCORED;
  /** Reason code and text of an elimination, from the item and a uniform number. */
  reason(item: number, u: number): { code: string; text: string };
  passReason: string;
}

export interface PipelineDef {
  name: string;
  steps: StepDef[];
}

const KEYWORDS = ['security', 'compliance', 'pricing', 'sso', 'audit'];
const r2 = (x: number) => Math.round(x * 100) / 100;

export const PIPELINES: PipelineDef[] = [
  {
    name: 'search-ranking',
    steps: [
      {
        name: 'retrieve',
        type: XRStepType.RETRIEVE,
        elim: 0.04,
        pass: KEPT,
        passReason: 'in index',
        reason: () => ({ code: 'OUT_OF_STOCK', text: 'Out of stock in every warehouse' }),
      },
      {
        name: 'filter-by-keywords',
        type: XRStepType.FILTER,
        elim: 0.3,
        pass: KEPT,
        passReason: 'has the required keywords',
        reason: (_i, u) => ({
          code: 'MISSING_KEYWORDS',
          text: `Missing required keywords: ${KEYWORDS.slice(0, 1 + (Math.floor(u * 1000) % 3)).join(', ')}`,
        }),
      },
      {
        name: 'filter-by-price',
        type: XRStepType.FILTER,
        elim: 0.15,
        pass: KEPT,
        passReason: 'within budget',
        reason: (i) => ({ code: 'PRICE_TOO_HIGH', text: `Price ${price(i)} above max 100` }),
      },
      {
        name: 'rerank',
        type: XRStepType.RANK,
        elim: 0.25,
        pass: SCORED,
        passReason: 'above cutoff',
        reason: (_i, u) => ({ code: 'BELOW_CUTOFF', text: `Score ${r2(u)} below cutoff 0.30` }),
      },
      {
        name: 'dedupe',
        type: XRStepType.FILTER,
        elim: 0.03,
        pass: KEPT,
        passReason: 'unique',
        reason: (i) => ({ code: 'DUPLICATE', text: `Duplicate of ${itemName((i * 7919) % POOL)}` }),
      },
    ],
  },
  {
    name: 'recommendations',
    steps: [
      {
        name: 'candidates',
        type: XRStepType.RETRIEVE,
        elim: 0.02,
        pass: KEPT,
        passReason: 'candidate',
        reason: () => ({ code: 'BLOCKED_SELLER', text: 'Seller is blocked' }),
      },
      {
        name: 'already-seen',
        type: XRStepType.FILTER,
        elim: 0.2,
        pass: KEPT,
        passReason: 'not seen',
        reason: (_i, u) => ({ code: 'SEEN_RECENTLY', text: `Seen ${1 + Math.floor(u * 30)} days ago` }),
      },
      {
        name: 'score-affinity',
        type: XRStepType.SCORE,
        elim: 0.35,
        pass: SCORED,
        passReason: 'affinity ok',
        reason: (_i, u) => ({ code: 'LOW_AFFINITY', text: `Affinity ${r2(u)} below 0.35` }),
      },
      {
        name: 'diversity',
        type: XRStepType.RANK,
        elim: 0.1,
        pass: KEPT,
        passReason: 'diverse',
        reason: () => ({ code: 'CATEGORY_CAP', text: 'Category already has 5 items' }),
      },
    ],
  },
  {
    name: 'fraud-rules',
    steps: [
      {
        name: 'velocity',
        type: XRStepType.FILTER,
        elim: 0.05,
        pass: KEPT,
        passReason: 'velocity ok',
        reason: (_i, u) => ({ code: 'VELOCITY', text: `${3 + Math.floor(u * 20)} orders in 10 minutes` }),
      },
      {
        name: 'geo-mismatch',
        type: XRStepType.FILTER,
        elim: 0.08,
        pass: KEPT,
        passReason: 'geo ok',
        reason: () => ({ code: 'GEO_MISMATCH', text: 'Billing and IP countries differ' }),
      },
      {
        name: 'risk-score',
        type: XRStepType.SCORE,
        elim: 0.12,
        pass: SCORED,
        passReason: 'risk acceptable',
        reason: (_i, u) => ({ code: 'HIGH_RISK', text: `Risk ${r2(0.7 + u * 0.3)} above 0.70` }),
      },
    ],
  },
  {
    name: 'llm-answer',
    steps: [
      {
        name: 'retrieve-passages',
        type: XRStepType.RETRIEVE,
        elim: 0.1,
        pass: KEPT,
        passReason: 'retrieved',
        reason: () => ({ code: 'EMPTY_PASSAGE', text: 'Passage is empty after cleaning' }),
      },
      {
        name: 'embed-similarity',
        type: XRStepType.SCORE,
        elim: 0.4,
        pass: SCORED,
        passReason: 'similar',
        reason: (_i, u) => ({ code: 'LOW_SIMILARITY', text: `Cosine ${r2(u * 0.5)} below 0.50` }),
      },
      {
        name: 'llm-judge',
        type: XRStepType.LLM,
        elim: 0.3,
        pass: KEPT,
        passReason: 'relevant',
        reason: () => ({ code: 'JUDGED_IRRELEVANT', text: 'LLM judge: does not answer the question' }),
      },
      {
        name: 'context-budget',
        type: XRStepType.FILTER,
        elim: 0.2,
        pass: KEPT,
        passReason: 'fits',
        reason: () => ({ code: 'TOKEN_BUDGET', text: 'Exceeds the 8k-token context budget' }),
      },
    ],
  },
  {
    name: 'catalog-quality',
    steps: [
      {
        name: 'schema-check',
        type: XRStepType.FILTER,
        elim: 0.03,
        pass: KEPT,
        passReason: 'valid',
        reason: () => ({ code: 'SCHEMA_INVALID', text: 'Missing field: title' }),
      },
      {
        name: 'image-check',
        type: XRStepType.FILTER,
        elim: 0.1,
        pass: KEPT,
        passReason: 'images ok',
        reason: (_i, u) => ({ code: 'IMAGE_TOO_SMALL', text: `Image ${200 + Math.floor(u * 300)}px below 600px` }),
      },
      {
        name: 'duplicate-listing',
        type: XRStepType.FILTER,
        elim: 0.06,
        pass: KEPT,
        passReason: 'unique',
        reason: () => ({ code: 'DUPLICATE', text: 'Same GTIN as another listing' }),
      },
      {
        name: 'policy',
        type: XRStepType.FILTER,
        elim: 0.02,
        pass: KEPT,
        passReason: 'policy ok',
        reason: () => ({ code: 'POLICY', text: 'Restricted product category' }),
      },
    ],
  },
];

export function itemName(i: number): string {
  return `sku-${String(i).padStart(6, '0')}`;
}

function price(i: number): string {
  return (100 + (hash3(i, 99, 7) % 40000) / 100).toFixed(2);
}

/** A 32-bit integer hash of three integers. */
export function hash3(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(c + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
const uniform = (a: number, b: number, c: number) => hash3(a, b, c) / 4294967296;

/** Seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One run to generate. */
export interface RunSpec {
  pipeline: PipelineDef;
  /** Seed of the fates (two runs with the same seed decide alike). */
  seed: number;
  items: number[];
  startMs: number;
  error: boolean;
  /** Items whose fate is flipped (the second 50k run). */
  flip?: ReadonlySet<number>;
  label?: string;
}

/** The step where `item` is eliminated (index), or -1 when it survives every step. */
export function fate(spec: RunSpec, item: number): number {
  const base = baseFate(spec.pipeline, spec.seed, item);
  if (!spec.flip?.has(item)) return base;
  // Flipped: survives where it was eliminated, and is eliminated at the second step where it survived.
  return base >= 0 ? -1 : 1;
}

function baseFate(p: PipelineDef, seed: number, item: number): number {
  for (let s = 0; s < p.steps.length; s++) if (uniform(seed, item, s) < p.steps[s]!.elim) return s;
  return -1;
}

/** Decisions a run makes: one per item per step it enters. */
export function runDecisions(spec: RunSpec): number {
  const steps = spec.pipeline.steps.length;
  let n = 0;
  for (const item of spec.items) {
    const f = fate(spec, item);
    n += f < 0 ? steps : f + 1;
  }
  return n;
}

/** What the generator knows about a generated run. */
export interface RunFacts {
  runId: string;
  pipeline: string;
  startMs: number;
  decisions: number;
  error: boolean;
  /** Per step: input and eliminated counts. */
  steps: { name: string; input: number; eliminated: number }[];
  label?: string;
}

/**
 * Generates runs with the real SDK (capture full, exporting to memory), moves each run's spans to
 * its start time, and encodes OTLP/protobuf request bodies as an OTLP exporter would send them.
 */
export class Generator {
  readonly #memory = new InMemorySpanExporter();
  readonly #xray: XRay;

  /**
   * Payloads over the SDK's inline threshold (run inputs and step outputs of long runs) are uploaded
   * as the SDK does, to the stack's receiver with its ingest key: they are part of what S3 holds.
   */
  constructor(payloads: { receiverUrl: string; ingestKey: string }) {
    this.#xray = new XRay({
      exporter: this.#memory,
      payloadEndpoint: payloads.receiverUrl,
      apiKey: payloads.ingestKey,
      capture: 'full',
      flushTimeoutMillis: 60_000,
      maxQueueBytes: 512 * 1024 * 1024,
      maxQueueSpans: 100_000,
    });
  }

  /** Runs `spec`; returns its facts and request bodies (each with its span count). */
  async run(
    spec: RunSpec,
    spansPerRequest: number
  ): Promise<{ facts: RunFacts; bodies: { body: Uint8Array; spans: number }[] }> {
    const { pipeline } = spec;
    const stepFacts = pipeline.steps.map((s) => ({ name: s.name, input: 0, eliminated: 0 }));
    const runId = await this.#xray.startRun(pipeline.name, spec.items.map(itemName), { capture: 'full' });
    let current = spec.items;
    for (let si = 0; si < pipeline.steps.length; si++) {
      const st = pipeline.steps[si]!;
      stepFacts[si]!.input = current.length;
      current = await this.#xray.step(
        runId,
        st.type,
        st.name,
        (input: number[], record) => {
          const out: number[] = [];
          for (const item of input) {
            const u = uniform(spec.seed ^ 0x5bd1e995, item, si);
            const score = Math.round(u * 1000) / 1000;
            const input = { id: itemName(item), title: `Product ${item}`, price: Number(price(item)) };
            if (fate(spec, item) === si) {
              const r = st.reason(item, u);
              stepFacts[si]!.eliminated++;
              record({ itemId: itemName(item), outcome: ELIMINATED, reason: r.text, reasonCode: r.code, score, input });
            } else {
              out.push(item);
              record({
                itemId: itemName(item),
                outcome: st.pass,
                reason: st.passReason,
                reasonCode: 'PASS',
                score,
                input,
              });
            }
          }
          return out;
        },
        current
      );
    }
    await this.#xray.endRun(
      runId,
      current.map(itemName),
      spec.error ? new Error('upstream timeout after the last step') : undefined
    );
    await this.#xray.flush();
    const spans = this.#memory.getFinishedSpans();
    this.#memory.reset();
    const root = spans.find((s) => s.attributes['xray.span.kind'] === 'run');
    if (!root) throw new Error('generator: no run span');
    const offsetNs = BigInt(spec.startMs) * 1_000_000n - hrNs(root.startTime);
    const moved = spans.map((s) => shifted(s, offsetNs));
    const bodies: { body: Uint8Array; spans: number }[] = [];
    // Decision spans first, the run span last (as the SDK usually delivers them).
    const movedRoot = moved[spans.indexOf(root)]!;
    const ordered = [...moved.filter((s) => s !== movedRoot), movedRoot];
    for (let i = 0; i < ordered.length; i += spansPerRequest) {
      const chunk = ordered.slice(i, i + spansPerRequest);
      bodies.push({ body: ProtobufTraceSerializer.serializeRequest(chunk)!, spans: chunk.length });
    }
    const decisions = stepFacts.reduce((n, s) => n + s.input, 0);
    return {
      facts: {
        runId,
        pipeline: pipeline.name,
        startMs: spec.startMs,
        decisions,
        error: spec.error,
        steps: stepFacts,
        ...(spec.label ? { label: spec.label } : {}),
      },
      bodies,
    };
  }

  stats() {
    return this.#xray.stats();
  }

  async close(): Promise<void> {
    await this.#xray.shutdown();
  }
}

function hrNs(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}
function nsHr(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** The span with every time moved by `offsetNs` (same ids, attributes, resource and scope). */
function shifted(span: ReadableSpan, offsetNs: bigint): ReadableSpan {
  const move = (t: HrTime) => nsHr(hrNs(t) + offsetNs);
  return Object.create(span, {
    startTime: { value: move(span.startTime) },
    endTime: { value: move(span.endTime) },
    events: { value: span.events.map((e) => ({ ...e, time: move(e.time) })) },
  }) as ReadableSpan;
}

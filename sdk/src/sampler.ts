/**
 * Decision-aware sampling for capture level `sampled`. Pure and deterministic: the same run id,
 * seed, step index and decisions always give the same kept set, so tests and users can predict it.
 */

import { MAX_REASON_CLASSES, REASON_CLASS_CHARS } from '@xray/otel';

export { MAX_REASON_CLASSES };

/** What the sampler reads from one decision. */
export interface SampleInput {
  itemId: string;
  outcome: string;
  reason?: string | undefined;
  reasonCode?: string | undefined;
  important?: boolean | undefined;
}

/** Inputs of {@link createSampler}. */
export interface SamplerOptions {
  /** The run's id (trace id). */
  runId: string;
  /** The client's `samplingSeed`. */
  seed: number;
  /** The step's run-wide index. */
  stepIndex: number;
  /** Item ids always recorded. */
  watchList?: ReadonlySet<string>;
}

/**
 * Decides, decision by decision in order, which ones a step records. `keep(i, d)` must be called for
 * i = 0, 1, 2... It does not know which decision is last: the recorder holds back the latest
 * unrecorded decision and records it when the step ends.
 */
export interface Sampler {
  keep(i: number, decision: SampleInput): boolean;
}

/**
 * The reason class of a decision: its `reasonCode` when given, else its reason text with digit runs
 * replaced by `#`, first 80 characters (so `Score 0.42 vs 0.5` and `Score 0.17 vs 0.5` are one class).
 */
export function reasonClass(reason: string | undefined, reasonCode: string | undefined): string {
  if (reasonCode !== undefined) return `c:${reasonCode}`;
  const text = reason ?? '';
  return `t:${(/\d/.test(text) ? text.replace(/\d+/g, '#') : text).slice(0, REASON_CLASS_CHARS)}`;
}

/** Creates the sampler of one step. See the README for the rule. */
export function createSampler(options: SamplerOptions): Sampler {
  const watchList = options.watchList ?? new Set<string>();
  const stepKey = mix32(seedKey(options.runId, options.seed) ^ mix32((options.stepIndex >>> 0) + 0x9e3779b9));
  const outcomes = new Set<string>();
  const classes = new Set<string>();
  return {
    keep(i, d) {
      // Every rule is evaluated (no short-circuit on the first hit) so each outcome and class is
      // marked seen by its first decision, whichever rule kept it.
      let keep = i === 0 || d.important === true || watchList.has(d.itemId);
      if (!outcomes.has(d.outcome)) {
        outcomes.add(d.outcome);
        keep = true;
      }
      if (classes.size < MAX_REASON_CLASSES) {
        const cls = reasonClass(d.reason, d.reasonCode);
        if (!classes.has(cls)) {
          classes.add(cls);
          keep = true;
        }
      }
      // The random part: P(keep i) = 1 / ((i + 1) ln 10), so about log10(n) of n decisions.
      return keep || unit(stepKey, i) < 1 / ((i + 1) * Math.LN10);
    },
  };
}

/**
 * The 0-based positions a step at capture level `sampled` records out of `decisions`: the sampler's
 * choices plus the last decision. What the recorder does, as a pure function for tests.
 */
export function sampledPositions(options: SamplerOptions, decisions: readonly SampleInput[]): number[] {
  const sampler = createSampler(options);
  const kept: number[] = [];
  decisions.forEach((d, i) => {
    if (sampler.keep(i, d) || i === decisions.length - 1) kept.push(i);
  });
  return kept;
}

function seedKey(runId: string, seed: number): number {
  let h = 0x811c9dc5; // FNV-1a over the run id
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return mix32(h ^ mix32(lo ^ mix32(hi + 0x85ebca6b)));
}

/** A uniform number in [0, 1) from the step key and the decision position. */
function unit(stepKey: number, i: number): number {
  return mix32(stepKey ^ mix32(i >>> 0)) / 0x1_0000_0000;
}

/** A 32-bit integer hash finalizer (lowbias32): small, fast, well mixed. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

// Enumerated attribute values.

/** Values of `xray.span.kind`. */
export const SpanKinds = {
  /** The root span of a pipeline run. */
  RUN: 'run',
  /** One step of a run. */
  STEP: 'step',
  /** A child of a step span that carries more of the step's decision events. */
  DECISIONS: 'decisions',
} as const;
export type SpanKind = (typeof SpanKinds)[keyof typeof SpanKinds];

/** Values of `xray.step.type`. */
export const StepTypes = {
  FILTER: 'filter',
  RANK: 'rank',
  SCORE: 'score',
  TRANSFORM: 'transform',
  RETRIEVE: 'retrieve',
  LLM: 'llm',
  CUSTOM: 'custom',
} as const;
export type StepType = (typeof StepTypes)[keyof typeof StepTypes];

/** Values of `xray.decision.outcome`. */
export const Outcomes = {
  /** The item continues to the next step. */
  KEPT: 'kept',
  /** The item was removed and will not continue. */
  ELIMINATED: 'eliminated',
  /** The item was ranked or scored; it continues, and a later threshold decides its fate. */
  SCORED: 'scored',
} as const;
export type Outcome = (typeof Outcomes)[keyof typeof Outcomes];

/** Values of `xray.run.status` and `xray.step.status`. */
export const RunStatuses = { OK: 'ok', ERROR: 'error' } as const;
export type RunStatus = (typeof RunStatuses)[keyof typeof RunStatuses];

/** A type guard for the values of one of the enumerations above. */
function memberOf<T extends string>(values: Record<string, T>): (value: unknown) => value is T {
  const set: ReadonlySet<unknown> = new Set(Object.values(values));
  return (value): value is T => set.has(value);
}

/** True when `value` is one of the three outcomes. */
export const isOutcome = memberOf<Outcome>(Outcomes);
/** True when `value` is a known step type. */
export const isStepType = memberOf<StepType>(StepTypes);

/** How much of a step's decisions is recorded as events; counts are exact at every level. */
export const CaptureLevels = {
  /** Counts only, no decision events. */
  METRICS_ONLY: 'metrics_only',
  /** A sample that grows far slower than the decisions, always keeping the unusual. */
  SAMPLED: 'sampled',
  /** Every decision. */
  FULL: 'full',
} as const;
export type CaptureLevel = (typeof CaptureLevels)[keyof typeof CaptureLevels];

/** True when `value` is a capture level. */
export const isCaptureLevel = memberOf<CaptureLevel>(CaptureLevels);

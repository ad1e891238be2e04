/**
 * X-Ray SDK: record which step of a pipeline kept, eliminated or scored which items, and why, as
 * OpenTelemetry spans sent over OTLP/HTTP. Start with {@link XRay}.
 */
import { CaptureLevels, Outcomes, StepTypes } from '@xray/otel';

export { XRay } from './xray.js';
export { survivors } from './decision.js';
export { createSampler, reasonClass, sampledPositions, MAX_REASON_CLASSES } from './sampler.js';
export type { Sampler, SampleInput, SamplerOptions } from './sampler.js';
export { BoundedBatchProcessor, type BoundedBatchOptions } from './processor.js';
export { QueueBudget } from './budget.js';
export { estimateSpanBytes } from './size.js';
export { CIRCULAR_MARKER, TRUNCATED_KEY, UNSERIALIZABLE_MARKER } from './serialize.js';
export { DEFAULTS } from './options.js';
export type {
  CaptureLevel,
  Decision,
  DroppedDecisions,
  Outcome,
  RecordDecision,
  RunOptions,
  StepFn,
  StepOptions,
  StepType,
  XRayOptions,
  XRayStats,
} from './types.js';

/** Step types for `xray.step`: FILTER, RANK, SCORE, TRANSFORM, RETRIEVE, LLM, CUSTOM. */
export const XRStepType = StepTypes;
/** Capture levels: METRICS_ONLY, SAMPLED (default), FULL. */
export const XRCapture = CaptureLevels;
/** Outcome: the item continues to the next step. */
export const KEPT = Outcomes.KEPT;
/** Outcome: the item was removed and will not continue. */
export const ELIMINATED = Outcomes.ELIMINATED;
/** Outcome: the item was scored or ranked; it continues and a later threshold decides. */
export const SCORED = Outcomes.SCORED;

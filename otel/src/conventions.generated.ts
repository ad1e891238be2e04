// Generated from otel/conventions.json by otel/scripts/generate.mjs: do not edit, edit the registry.

// On every X-Ray span
/** Which X-Ray entity a span is: one of `SpanKinds`. On every X-Ray span; spans without it are not X-Ray's. */
export const ATTR_XRAY_SPAN_KIND = 'xray.span.kind';
/** The run a span belongs to (32 hex chars, the run span's trace id). On every X-Ray span. */
export const ATTR_XRAY_RUN_ID = 'xray.run.id';

// Run span
/** Pipeline name given to `startRun`. */
export const ATTR_XRAY_PIPELINE_NAME = 'xray.pipeline.name';
/** `ok` or `error`, see `RunStatuses`. */
export const ATTR_XRAY_RUN_STATUS = 'xray.run.status';
/** Number of top-level steps the run executed. */
export const ATTR_XRAY_RUN_STEP_COUNT = 'xray.run.step_count';
/** Items that entered the run. */
export const ATTR_XRAY_RUN_INPUT_COUNT = 'xray.run.input_count';
/** Items the run returned. */
export const ATTR_XRAY_RUN_OUTPUT_COUNT = 'xray.run.output_count';
/** The run's input, serialised as JSON. */
export const ATTR_XRAY_RUN_INPUT = 'xray.run.input';
/** The run's result, serialised as JSON. */
export const ATTR_XRAY_RUN_OUTPUT = 'xray.run.output';
/** Steps of the run that ended with status `error`, even when the caller caught the error and the run went on. */
export const ATTR_XRAY_RUN_FAILED_STEP_COUNT = 'xray.run.failed_step_count';

// Step span (and, for the id and offset, decision chunk spans)
/** Step id (16 hex chars, the step span's span id). On step spans and their decision chunk spans. */
export const ATTR_XRAY_STEP_ID = 'xray.step.id';
/** Step name given to `step`, e.g. `filter-by-keywords`. */
export const ATTR_XRAY_STEP_NAME = 'xray.step.name';
/** Step type, one of `StepTypes`. */
export const ATTR_XRAY_STEP_TYPE = 'xray.step.type';
/** Position of the step in its run, 0-based, in execution order. */
export const ATTR_XRAY_STEP_INDEX = 'xray.step.index';
/** `ok` or `error`. */
export const ATTR_XRAY_STEP_STATUS = 'xray.step.status';
/** Items that entered the step. */
export const ATTR_XRAY_STEP_INPUT_COUNT = 'xray.step.input_count';
/** Items that left the step (kept + scored). */
export const ATTR_XRAY_STEP_OUTPUT_COUNT = 'xray.step.output_count';
/** Decisions with outcome `kept`. */
export const ATTR_XRAY_STEP_KEPT_COUNT = 'xray.step.kept_count';
/** Decisions with outcome `eliminated`. */
export const ATTR_XRAY_STEP_ELIMINATED_COUNT = 'xray.step.eliminated_count';
/** Decisions with outcome `scored`. */
export const ATTR_XRAY_STEP_SCORED_COUNT = 'xray.step.scored_count';
/** Decisions the step made (whether or not each was recorded as an event). */
export const ATTR_XRAY_STEP_DECISION_COUNT = 'xray.step.decision_count';
/** Decisions recorded as events (all of them at capture level `full`, a sample at `sampled`, none at `metrics_only`). */
export const ATTR_XRAY_STEP_RECORDED_COUNT = 'xray.step.recorded_count';
/** Capture level the step ran with, one of `CaptureLevels`. */
export const ATTR_XRAY_STEP_CAPTURE = 'xray.step.capture';
/** For a step nested in another step: the enclosing step's id. */
export const ATTR_XRAY_STEP_PARENT_ID = 'xray.step.parent_id';
/** The step's input, serialised as JSON. */
export const ATTR_XRAY_STEP_INPUT = 'xray.step.input';
/** The step's output, serialised as JSON. */
export const ATTR_XRAY_STEP_OUTPUT = 'xray.step.output';
/** Sequence number, within its step, of the first decision event carried by this span. Decision events on a span are numbered from it in order, so every decision has a stable identity (`<stepId>-<seq>`) however the SDK splits a step's decisions across spans. */
export const ATTR_XRAY_DECISIONS_OFFSET = 'xray.decisions.offset';

// Decision event
/** Name of the span event that records one decision. */
export const EVENT_XRAY_DECISION = 'xray.decision';
/** The item the decision is about; the same item keeps its id across steps and runs. */
export const ATTR_XRAY_DECISION_ITEM_ID = 'xray.decision.item_id';
/** `kept`, `eliminated` or `scored`, see `Outcomes`. */
export const ATTR_XRAY_DECISION_OUTCOME = 'xray.decision.outcome';
/** Human-readable explanation, e.g. `Missing required keywords: security, compliance`. */
export const ATTR_XRAY_DECISION_REASON = 'xray.decision.reason';
/** Optional low-cardinality reason class, e.g. `missing_keywords`. */
export const ATTR_XRAY_DECISION_REASON_CODE = 'xray.decision.reason_code';
/** Position of the decision among all the decisions its step made (0-based). Present when not every decision is recorded; otherwise the position follows from `xray.decisions.offset`. */
export const ATTR_XRAY_DECISION_SEQ = 'xray.decision.seq';
/** True when the caller marked the decision important (always recorded). */
export const ATTR_XRAY_DECISION_IMPORTANT = 'xray.decision.important';
/** Optional numeric score. */
export const ATTR_XRAY_DECISION_SCORE = 'xray.decision.score';
/** What the step evaluated for this item, serialised as JSON. */
export const ATTR_XRAY_DECISION_INPUT = 'xray.decision.input';
/** What the step produced for this item, serialised as JSON. */
export const ATTR_XRAY_DECISION_OUTPUT = 'xray.decision.output';
/** Free-form details, serialised as JSON. */
export const ATTR_XRAY_DECISION_METADATA = 'xray.decision.metadata';

// Payload references: a payload too large to ride in a span is uploaded to PUT /v1/payloads/{day}/{sha256}
// and the span carries its reference attribute instead: the payload attribute's name with `_ref`,
// holding `<YYYY-MM-DD>/<sha256 hex>/<bytes>`.
/** Reference to the uploaded JSON of `xray.run.input`. */
export const ATTR_XRAY_RUN_INPUT_REF = 'xray.run.input_ref';
/** Reference to the uploaded JSON of `xray.run.output`. */
export const ATTR_XRAY_RUN_OUTPUT_REF = 'xray.run.output_ref';
/** Reference to the uploaded JSON of `xray.step.input`. */
export const ATTR_XRAY_STEP_INPUT_REF = 'xray.step.input_ref';
/** Reference to the uploaded JSON of `xray.step.output`. */
export const ATTR_XRAY_STEP_OUTPUT_REF = 'xray.step.output_ref';
/** Reference to the uploaded JSON of `xray.decision.input`. */
export const ATTR_XRAY_DECISION_INPUT_REF = 'xray.decision.input_ref';
/** Reference to the uploaded JSON of `xray.decision.output`. */
export const ATTR_XRAY_DECISION_OUTPUT_REF = 'xray.decision.output_ref';
/** Reference to the uploaded JSON of `xray.decision.metadata`. */
export const ATTR_XRAY_DECISION_METADATA_REF = 'xray.decision.metadata_ref';

// Enumerated values

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
export const RunStatuses = {
  OK: 'ok',
  ERROR: 'error',
} as const;
export type RunStatus = (typeof RunStatuses)[keyof typeof RunStatuses];

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

/** Values of a truncation marker's `reason`, when a value under the cap was still not kept whole. A marker without a reason replaced a value over the cap. */
export const TruncationReasons = {
  /** The SDK's queue had no room to hold the value until it was uploaded. */
  QUEUE_FULL: 'queue_full',
  /** The SDK was shutting down. */
  SHUTDOWN: 'shutdown',
} as const;
export type TruncationReason = (typeof TruncationReasons)[keyof typeof TruncationReasons];

// Limits and fixed values

/** Path (under the receiver's origin) that takes one payload's bytes: `PUT /v1/payloads/{day}/{sha256}` with the ingest key, body = the payload's JSON as UTF-8. */
export const PAYLOAD_UPLOAD_PATH = '/v1/payloads';

/** Default cap on one payload's JSON, in bytes; past it a value is recorded as a truncation marker. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 67_108_864;

/** Payloads whose JSON is longer than this travel by reference rather than inside the span (SDK default). Smaller payloads ride inline; the backend stores repeats of either kind once per day. */
export const DEFAULT_INLINE_PAYLOAD_BYTES = 16_384;

/** Key of the marker object that replaces a value over the cap: `{"_xray_truncated":true,...}`. */
export const TRUNCATED_KEY = '_xray_truncated';

/** Most decision events on one span (SDK default); a step's further decisions go on `decisions` spans. */
export const DEFAULT_DECISIONS_PER_SPAN = 1_000;

/** Reason classes the sampler tracks per step; beyond this, new classes fall back to the random rule. */
export const MAX_REASON_CLASSES = 256;

/** Characters (UTF-16 code units) of a reason text kept in its sampler class. */
export const REASON_CLASS_CHARS = 80;

import type { IdGenerator, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { CaptureLevel, Outcome } from '@xray/otel';

export type { CaptureLevel, Outcome, StepType } from '@xray/otel';

/**
 * One decision a step made about one item: what a step function returns (or passes to `record`),
 * one per item it looked at. `TInput` is the item type the step evaluated.
 */
export interface Decision<TInput = unknown> {
  /** Identifies the item across steps and runs; numbers are recorded as strings. */
  itemId: string | number;
  /** `kept`, `eliminated` or `scored` (use {@link KEPT}, {@link ELIMINATED}, {@link SCORED}). */
  outcome: Outcome;
  /** Human-readable explanation, e.g. `Score 0.42 vs threshold 0.5`. */
  reason?: string;
  /** Low-cardinality class of the reason, e.g. `below_threshold`; sampling keeps one of each. */
  reasonCode?: string;
  /** When true the decision is always recorded, whatever the capture level short of `metrics_only`. */
  important?: boolean;
  /** Numeric score, when the step computes one. Only finite numbers are recorded. */
  score?: number;
  /** What the step evaluated for this item; recorded as JSON. */
  input?: TInput;
  /** What the step produced for this item; recorded as JSON. */
  output?: unknown;
  /** Free-form details; recorded as JSON. */
  metadata?: Record<string, unknown>;
}

/** Records one decision as it is made (streaming). Never throws; ignored once the step has ended. */
export type RecordDecision<TItem = unknown> = (decision: Decision<TItem>) => void;

/**
 * The function a step runs. It receives the step input and `record`; it either returns an array of
 * decisions or calls `record` once per decision (then its return value is not read as decisions).
 */
export type StepFn<TIn, TOut, TItem = unknown> = (
  input: TIn,
  record: RecordDecision<TItem>
) => TOut | PromiseLike<TOut>;

/** Per-run options of `startRun` and `run`. */
export interface RunOptions {
  /** Capture level of this run's steps unless a step overrides it. Default: the client's. */
  capture?: CaptureLevel;
}

/** Per-step options, the optional last argument of `step`. */
export interface StepOptions {
  /** Capture level of this step. Default: the run's, else the client's. */
  capture?: CaptureLevel;
}

/** Options of {@link XRay}. Every field is optional; defaults are listed per field. */
export interface XRayOptions {
  /** OTLP/HTTP traces URL. Default: env `XRAY_ENDPOINT`, else `http://127.0.0.1:4318/v1/traces`. */
  endpoint?: string;
  /**
   * The project's ingest key (`xri_…`), sent as `Authorization: Bearer <key>`. Default: env
   * XRAY_API_KEY; none when unset (e.g. when a collector adds it).
   */
  apiKey?: string;
  /** Extra HTTP headers sent with every export request; they win over `apiKey`. Default: none. */
  headers?: Record<string, string>;
  /** Resource `service.name` of the exported spans. Default: `xray-pipeline`. */
  serviceName?: string;
  /** Default capture level. Default: env `XRAY_CAPTURE` when valid, else `sampled`. */
  capture?: CaptureLevel;
  /** Item ids whose decisions are always recorded (sampled level). Default: env `XRAY_WATCH_LIST`, comma-separated. */
  watchList?: Iterable<string | number>;
  /** Seed of the sampler, combined with the run id: same run id + seed, same kept decisions. Default: 0. */
  samplingSeed?: number;
  /**
   * Most decision events carried by one span; further decisions go on child chunk spans. Also the
   * span event limit of X-Ray's tracer provider, so no event is ever dropped. Default: 1000.
   */
  decisionsPerSpan?: number;
  /**
   * Cap on each JSON payload (input, output, metadata), in UTF-8 bytes: a value whose JSON is longer
   * is recorded as a truncation marker instead. Default: 67108864 (64 MiB).
   */
  maxPayloadBytes?: number;
  /**
   * A payload whose JSON is at most this many bytes rides inline in its span attribute; a longer one
   * is uploaded to `payloadEndpoint` and the span carries its reference (`*_ref`). At most
   * `maxPayloadBytes`. Default: 16384 (16 KiB), or `maxPayloadBytes` when that is smaller.
   */
  inlinePayloadBytes?: number;
  /**
   * Base URL of the X-Ray receiver that takes payloads over the inline threshold, as
   * `PUT <payloadEndpoint>/v1/payloads/<day>/<sha256>` with the ingest key. Set it when `endpoint`
   * is an OpenTelemetry Collector: payload bytes go straight to the receiver. Default: env
   * `XRAY_PAYLOAD_ENDPOINT`, else the origin of `endpoint`.
   */
  payloadEndpoint?: string;
  /**
   * Estimated byte budget of one export request (and of one span's decision events), kept well
   * under the receiver's 20 MiB body cap because the estimate counts UTF-16 units, not bytes.
   * Default: 4194304 (4 MiB).
   */
  maxExportBytes?: number;
  /** Most spans waiting for export; beyond it spans are dropped and counted. Default: 4096. */
  maxQueueSpans?: number;
  /**
   * Most bytes waiting for export or upload: the spans' estimated bytes plus the pending payloads'
   * bytes (which leave `maxExportBytes` of it to spans). Beyond it spans are dropped and payloads
   * recorded as markers, and counted. Default: 134217728 (128 MiB: a payload at the cap, with room
   * left for spans).
   */
  maxQueueBytes?: number;
  /**
   * How long one export request may take, retries included. A payload upload retries within the
   * same time, and an attempt making no progress for that long fails. Default: 10000.
   */
  exportTimeoutMillis?: number;
  /** How long `flush()` and `shutdown()` wait before giving up (they never throw). Default: 10000. */
  flushTimeoutMillis?: number;
  /**
   * Exporter to send spans to instead of OTLP/HTTP protobuf, e.g. an `InMemorySpanExporter` in
   * tests. Batches handed to it are still cut by `maxExportBytes`, and payloads over
   * `inlinePayloadBytes` are still uploaded to `payloadEndpoint`. Default: OTLP exporter at `endpoint`.
   */
  exporter?: SpanExporter;
  /**
   * Where trace and span ids come from (OpenTelemetry's `IdGenerator`), e.g. ids your tracing
   * backend requires, or fixed ids in tests (the shared test vectors use them). A run's id is its
   * trace id, a step's id its span id. Default: random ids.
   */
  idGenerator?: IdGenerator;
}

/** {@link XRayOptions} with every default applied. */
export interface ResolvedOptions {
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  capture: CaptureLevel;
  watchList: ReadonlySet<string>;
  samplingSeed: number;
  decisionsPerSpan: number;
  maxPayloadBytes: number;
  inlinePayloadBytes: number;
  payloadEndpoint: string;
  maxExportBytes: number;
  maxQueueSpans: number;
  maxQueueBytes: number;
  exportTimeoutMillis: number;
  flushTimeoutMillis: number;
  exporter: SpanExporter | undefined;
  idGenerator: IdGenerator | undefined;
}

/** Decisions made but never delivered, by cause. */
export interface DroppedDecisions {
  /** Not a decision (no string/number itemId, unknown outcome, throwing getter): skipped. */
  invalid: number;
  /** In a span dropped because the export queue was full (spans or bytes). */
  queueFull: number;
  /** In a span whose export request failed (after the exporter's own retries). */
  exportFailed: number;
  /** Recorded in a step of an unknown run id. */
  unknownRun: number;
  /** Recorded after `shutdown()`. */
  afterShutdown: number;
  /** Passed to `record` after its step had ended. */
  afterStepEnd: number;
}

/**
 * Counters of what the SDK did and what it absorbed instead of throwing. A snapshot is returned by
 * `XRay.stats()`; none of these failures ever reaches the caller.
 */
export interface XRayStats {
  /** Runs started with `startRun` or `run`. */
  runsStarted: number;
  /** Steps recorded (successful or failed). */
  stepsRecorded: number;
  /** Spans X-Ray started: runs, steps and decision chunk spans. */
  spansStarted: number;
  /** Valid decisions the steps made (the exact counts, whatever the capture level). */
  decisionsMade: number;
  /** Decisions recorded as events (all at `full`, a sample at `sampled`, none at `metrics_only`). */
  decisionsRecorded: number;
  /** Decisions lost, by cause. Decisions not recorded by choice (sampling) are not dropped. */
  decisionsDropped: DroppedDecisions;
  /** Step functions that returned neither an array nor called `record`: steps with no decisions. */
  invalidResults: number;
  /** Values plain `JSON.stringify` rejected (cycles, BigInt, throwing getters): serialised safely instead. */
  serializationFailures: number;
  /** Values whose JSON was over `maxPayloadBytes`, recorded as a truncation marker. */
  truncatedValues: number;
  /** Payloads over the inline threshold delivered to the receiver (stored or already there). */
  uploadedPayloads: number;
  /** Their bytes (JSON, UTF-8). */
  uploadedPayloadBytes: number;
  /**
   * Payloads over the inline threshold lost: no room in the queue (recorded as a marker with
   * `reason`), or an upload that failed for good (the span keeps the reference, the payload is missing).
   */
  droppedPayloads: number;
  /** Spans handed to the exporter and acknowledged. */
  spansExported: number;
  /** Spans lost: queue full, failed export, or ended after shutdown. */
  spansDropped: number;
  /** Estimated bytes of the spans successfully exported. */
  bytesSent: number;
  /** Export requests that failed or timed out (the spans they carried are lost). */
  exportFailures: number;
  /** `flush()` or `shutdown()` calls that gave up after `flushTimeoutMillis`. */
  flushTimeouts: number;
  /** Calls ignored because the run id was unknown or the client was shut down. */
  ignoredCalls: number;
  /** Runs still open at `shutdown()`, ended there with status error. */
  runsAbandoned: number;
  /** Unexpected internal errors swallowed to protect the caller. */
  internalErrors: number;
  /** Spans waiting for export right now (at most `maxQueueSpans`). */
  queuedSpans: number;
  /** Their estimated bytes (with `queuedPayloadBytes`, at most `maxQueueBytes`). */
  queuedBytes: number;
  /** Payloads waiting for upload or in flight right now. */
  queuedPayloads: number;
  /** Their bytes. */
  queuedPayloadBytes: number;
}

/** A fresh, all-zero {@link XRayStats}. */
export function emptyStats(): XRayStats {
  return {
    runsStarted: 0,
    stepsRecorded: 0,
    spansStarted: 0,
    decisionsMade: 0,
    decisionsRecorded: 0,
    decisionsDropped: { invalid: 0, queueFull: 0, exportFailed: 0, unknownRun: 0, afterShutdown: 0, afterStepEnd: 0 },
    invalidResults: 0,
    serializationFailures: 0,
    truncatedValues: 0,
    uploadedPayloads: 0,
    uploadedPayloadBytes: 0,
    droppedPayloads: 0,
    spansExported: 0,
    spansDropped: 0,
    bytesSent: 0,
    exportFailures: 0,
    flushTimeouts: 0,
    ignoredCalls: 0,
    runsAbandoned: 0,
    internalErrors: 0,
    queuedSpans: 0,
    queuedBytes: 0,
    queuedPayloads: 0,
    queuedPayloadBytes: 0,
  };
}

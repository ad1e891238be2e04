import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Outcome, StepType } from '@xray/otel';

export type { Outcome, StepType } from '@xray/otel';

/**
 * One decision a step made about one item: what a step function returns, one per item it looked at.
 * `TInput` is the item type the step evaluated.
 */
export interface Decision<TInput = unknown> {
  /** Identifies the item across steps and runs; numbers are recorded as strings. */
  itemId: string | number;
  /** `kept`, `eliminated` or `scored` (use {@link KEPT}, {@link ELIMINATED}, {@link SCORED}). */
  outcome: Outcome;
  /** Human-readable explanation, e.g. `Score 0.42 vs threshold 0.5`. */
  reason?: string;
  /** Low-cardinality class of the reason, e.g. `below_threshold`. */
  reasonCode?: string;
  /** Numeric score, when the step computes one. Only finite numbers are recorded. */
  score?: number;
  /** What the step evaluated for this item; recorded as JSON. */
  input?: TInput;
  /** What the step produced for this item; recorded as JSON. */
  output?: unknown;
  /** Free-form details; recorded as JSON. */
  metadata?: Record<string, unknown>;
}

/** The function a step runs: it receives the step input and returns one decision per item. */
export type StepFn<TStepInput, TResult extends readonly Decision<unknown>[]> = (
  input: TStepInput,
) => TResult | PromiseLike<TResult>;

/** Options of {@link XRay}. Every field is optional; defaults are listed per field. */
export interface XRayOptions {
  /** OTLP/HTTP traces URL. Default: env `XRAY_ENDPOINT`, else `http://127.0.0.1:4318/v1/traces`. */
  endpoint?: string;
  /** Extra HTTP headers sent with every export request (e.g. authorization). Default: none. */
  headers?: Record<string, string>;
  /** Resource `service.name` of the exported spans. Default: `xray-pipeline`. */
  serviceName?: string;
  /**
   * Most decision events carried by one span; further decisions go on child chunk spans. Also the
   * span event limit of X-Ray's tracer provider, so no event is ever dropped. Default: 1000.
   */
  decisionsPerSpan?: number;
  /** Each JSON payload (input, output, metadata) is truncated to this many UTF-8 bytes. Default: 16384 (16 KiB). */
  maxPayloadBytes?: number;
  /**
   * Estimated byte budget of one export request (and of one span's decision events), kept well
   * under the receiver's 20 MiB body cap because the estimate counts UTF-16 units, not bytes.
   * Default: 4194304 (4 MiB).
   */
  maxExportBytes?: number;
  /** How long `flush()` and `shutdown()` wait before giving up (they never throw). Default: 10000. */
  flushTimeoutMillis?: number;
  /**
   * Exporter to send spans to instead of OTLP/HTTP protobuf, e.g. an `InMemorySpanExporter` in
   * tests. It is still wrapped by the byte-budget splitter. Default: OTLP exporter at `endpoint`.
   */
  exporter?: SpanExporter;
}

/** {@link XRayOptions} with every default applied. */
export interface ResolvedOptions {
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  decisionsPerSpan: number;
  maxPayloadBytes: number;
  maxExportBytes: number;
  flushTimeoutMillis: number;
  exporter: SpanExporter | undefined;
}

/**
 * Counters of what the SDK did and what it absorbed instead of throwing. A snapshot is returned by
 * `XRay.stats()`; none of these failures ever reaches the caller.
 */
export interface XRayStats {
  /** Runs started with `startRun`. */
  runsStarted: number;
  /** Steps recorded (successful or failed). */
  stepsRecorded: number;
  /** Spans X-Ray started: runs, steps and decision chunk spans. */
  spansStarted: number;
  /** Decision events recorded. */
  decisionsRecorded: number;
  /** Entries returned by a step function that were not decisions (no valid itemId or outcome): skipped. */
  invalidDecisions: number;
  /** Step functions that returned something other than an array: recorded as steps with no decisions. */
  invalidResults: number;
  /** Values plain `JSON.stringify` rejected (cycles, BigInt, throwing getters): serialised safely instead. */
  serializationFailures: number;
  /** Serialised values cut at `maxPayloadBytes`. */
  truncatedValues: number;
  /** Spans handed to the exporter and acknowledged. */
  spansExported: number;
  /** Export requests that failed (the spans they carried are lost). */
  exportFailures: number;
  /** `flush()` or `shutdown()` calls that gave up after `flushTimeoutMillis`. */
  flushTimeouts: number;
  /** Calls ignored because the run id was unknown or the client was shut down. */
  ignoredCalls: number;
  /** Runs still open at `shutdown()`, ended there with status error. */
  runsAbandoned: number;
  /** Unexpected internal errors swallowed to protect the caller. */
  internalErrors: number;
}

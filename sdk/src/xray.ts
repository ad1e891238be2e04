import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { StepType } from '@xray/otel';
import { QueueBudget } from './budget.js';
import { captureOf, resolveOptions } from './options.js';
import { PayloadWriter } from './payloads.js';
import type { BoundedBatchProcessor } from './processor.js';
import { createPipeline } from './provider.js';
import type { RecorderDeps } from './recorder.js';
import { finishRun, noteStep, openRun, randomRunId, type RunEnding, type RunState } from './run.js';
import { beginStep, failStep, finishStep, type StepRecord } from './step.js';
import {
  emptyStats,
  type RecordDecision,
  type ResolvedOptions,
  type RunOptions,
  type StepFn,
  type StepOptions,
  type XRayOptions,
  type XRayStats,
} from './types.js';
import { withinMillis } from './timeout.js';
import { PayloadUploader } from './uploader.js';
import { createWarner, type Warn } from './warn.js';

/** Room on the step span for its own attributes besides decision events, beyond two inline payloads. */
const STEP_ATTRIBUTES_RESERVE_BYTES = 4096;
const TRACER_NAME = '@xray/sdk';
/** Payload uploads in flight at once. */
const UPLOAD_CONCURRENCY = 2;
/** (day, digest) pairs remembered as uploaded or in flight: a payload repeated within them is uploaded once. */
const RECENT_PAYLOAD_DIGESTS = 4096;

/** What AsyncLocalStorage carries: the run and the step whose function is running, if any. */
interface Scope {
  runId: string;
  step: StepRecord | undefined;
}

/**
 * The X-Ray client: turns pipeline runs into OpenTelemetry traces (run = root span, step = child
 * span, decision = `xray.decision` event) exported over OTLP/HTTP protobuf by its own tracer
 * provider, never registered globally. No method throws because of X-Ray itself: internal failures
 * are absorbed and counted in {@link XRay.stats}; only the caller's own errors propagate.
 */
export class XRay {
  readonly #options: ResolvedOptions;
  readonly #provider: BasicTracerProvider;
  readonly #processor: BoundedBatchProcessor;
  readonly #uploader: PayloadUploader;
  readonly #tracer: Tracer;
  readonly #deps: RecorderDeps;
  readonly #counters: XRayStats = emptyStats();
  readonly #warn: Warn = createWarner();
  readonly #runs = new Map<string, RunState>();
  /** Nesting is per async context, never a global "current step": parallel runs stay apart. */
  readonly #scope = new AsyncLocalStorage<Scope>();
  #shutdownPromise: Promise<boolean> | undefined;

  /** Creates a client; throws only for invalid options. See {@link XRayOptions} for defaults. */
  constructor(options: XRayOptions = {}) {
    const opts = (this.#options = resolveOptions(options));
    // Spans waiting for export and payloads waiting for upload share one bound: maxQueueBytes.
    // Payloads leave a full export request's worth of it to spans.
    const budget = new QueueBudget(opts.maxQueueBytes, opts.maxExportBytes);
    const pipeline = createPipeline(opts, this.#counters, this.#warn, budget);
    ({ provider: this.#provider, processor: this.#processor } = pipeline);
    this.#uploader = new PayloadUploader(
      {
        baseUrl: opts.payloadEndpoint,
        headers: opts.headers,
        budget,
        timeoutMillis: opts.exportTimeoutMillis,
        concurrency: UPLOAD_CONCURRENCY,
        recentDigests: RECENT_PAYLOAD_DIGESTS,
      },
      this.#counters,
      this.#warn
    );
    this.#tracer = this.#provider.getTracer(TRACER_NAME);
    this.#deps = {
      tracer: this.#tracer,
      payloads: new PayloadWriter(opts, this.#counters, this.#uploader, this.#warn),
      decisionsPerSpan: opts.decisionsPerSpan,
      maxSpanBytes: opts.maxExportBytes - 2 * opts.inlinePayloadBytes - STEP_ATTRIBUTES_RESERVE_BYTES,
      samplingSeed: opts.samplingSeed,
      watchList: opts.watchList,
      stats: this.#counters,
      warn: this.#warn,
    };
  }

  /**
   * Starts a run of `pipelineName` and returns its id (the run span's trace id, 32 hex chars). The
   * run span links to the span active in the caller's context, so the request trace leads to it.
   * After shutdown or on an internal failure it returns an id nothing is recorded under.
   */
  async startRun(pipelineName: string, input?: unknown, options?: RunOptions): Promise<string> {
    if (this.#shutdownPromise) return this.#ignored(randomRunId());
    try {
      const run = openRun(this.#tracer, this.#deps.payloads, String(pipelineName), input, captureOf(options));
      this.#counters.spansStarted++;
      this.#runs.set(run.runId, run);
      this.#counters.runsStarted++;
      return run.runId;
    } catch (err) {
      this.#internalError(err);
      return randomRunId();
    }
  }

  /**
   * Runs one step: calls `fn(input, record)` and returns what it returned. Its decisions are either
   * the array it returns or, if it called `record` at least once, the ones passed to `record`. `fn`
   * may be synchronous. Called inside another step's `fn` of the same run, the step is nested in it.
   * An error thrown by `fn` is recorded on the step span and rethrown unchanged. With an unknown
   * `runId`, or after shutdown, `fn` still runs and nothing is recorded.
   */
  async step<TIn, TOut, TItem = unknown>(
    runId: string,
    type: StepType,
    name: string,
    fn: StepFn<TIn, TOut, TItem>,
    input: TIn,
    options?: StepOptions
  ): Promise<TOut> {
    const run = this.#shutdownPromise ? undefined : this.#runs.get(runId);
    if (!run) return this.#ignoredStep(fn, input);
    let step: StepRecord | undefined;
    try {
      const enclosing = this.#scope.getStore();
      const parent = enclosing?.runId === runId ? enclosing.step : undefined;
      step = beginStep(
        this.#deps,
        run,
        parent,
        type,
        name,
        input,
        captureOf(options) ?? run.capture ?? this.#options.capture
      );
      if (!parent) run.topLevelSteps++;
    } catch (err) {
      this.#internalError(err);
    }
    const record: RecordDecision<TItem> = step ? (decision) => this.#recordInto(step, decision) : () => {};
    let result: TOut;
    try {
      result = await this.#scope.run({ runId, step }, () => fn(input, record));
    } catch (err) {
      if (step) this.#safely(() => noteStep(run, failStep(step, input, err)), true);
      throw err;
    }
    if (step) this.#safely(() => noteStep(run, finishStep(this.#deps, step, input, result)), true);
    return result;
  }

  /**
   * Starts a run, calls `fn(runId)` and ends the run with its result; if `fn` throws, ends the run
   * with status error (its partial counts kept) and rethrows the error unchanged.
   */
  async run<T>(
    pipelineName: string,
    input: unknown,
    fn: (runId: string) => T | PromiseLike<T>,
    options?: RunOptions
  ): Promise<T> {
    const runId = await this.startRun(pipelineName, input, options);
    let result: T;
    try {
      result = await this.#scope.run({ runId, step: undefined }, () => fn(runId));
    } catch (err) {
      this.#end(runId, { result: undefined, failure: { error: err } });
      throw err;
    }
    this.#end(runId, { result });
    return result;
  }

  /**
   * Ends a run: status error when `error` is given (not undefined or null) and recorded, ok
   * otherwise. `result` is recorded as the run output; its length, when it is an array, is the
   * run's output count.
   */
  async endRun(runId: string, result?: unknown, error?: unknown): Promise<void> {
    this.#end(runId, { result, failure: error === undefined || error === null ? undefined : { error } });
  }

  /**
   * Exports everything recorded so far, spans and payload uploads. Resolves true when all of it was
   * delivered, false on failure or after `flushTimeoutMillis`; never rejects, even if the receiver
   * never answers.
   */
  async flush(): Promise<boolean> {
    if (this.#shutdownPromise) return this.#ignored(false);
    return this.#withTimeout(both(this.#processor.drain(), this.#uploader.drain()));
  }

  /**
   * Ends runs still open (status error), exports and uploads what is pending and closes the
   * exporter, within `flushTimeoutMillis` (uploads still pending then are abandoned and counted).
   * Idempotent; afterwards every method is a no-op (steps still run `fn`).
   */
  shutdown(): Promise<boolean> {
    this.#shutdownPromise ??= this.#closeAll();
    return this.#shutdownPromise;
  }

  /** A snapshot of what the SDK recorded, dropped and absorbed. */
  stats(): XRayStats {
    const queued = this.#processor.pending;
    const uploads = this.#uploader.pending;
    return {
      ...this.#counters,
      decisionsDropped: { ...this.#counters.decisionsDropped },
      queuedSpans: queued.spans,
      queuedBytes: queued.bytes,
      queuedPayloads: uploads.payloads,
      queuedPayloadBytes: uploads.bytes,
    };
  }

  #end(runId: string, ending: RunEnding): void {
    const run = this.#runs.get(runId);
    if (!run) return this.#ignored(undefined);
    this.#runs.delete(runId);
    this.#safely(() => finishRun(run, ending, this.#deps.payloads));
  }

  #recordInto(step: StepRecord, decision: unknown): void {
    if (step.ended) {
      this.#counters.decisionsDropped.afterStepEnd++;
      return;
    }
    step.streamed = true;
    this.#safely(() => step.recorder.add(decision));
  }

  async #ignoredStep<TIn, TOut, TItem>(fn: StepFn<TIn, TOut, TItem>, input: TIn): Promise<TOut> {
    this.#counters.ignoredCalls++;
    const cause = this.#shutdownPromise ? 'afterShutdown' : 'unknownRun';
    let streamed = false;
    const result = await fn(input, () => {
      streamed = true;
      this.#counters.decisionsDropped[cause]++;
    });
    if (!streamed && Array.isArray(result)) this.#counters.decisionsDropped[cause] += result.length;
    return result;
  }

  async #closeAll(): Promise<boolean> {
    for (const run of this.#runs.values()) {
      this.#counters.runsAbandoned++;
      this.#safely(() =>
        finishRun(run, { result: undefined, abandoned: 'run not ended before shutdown' }, this.#deps.payloads)
      );
    }
    this.#runs.clear();
    const ok = await this.#withTimeout(
      both(
        this.#provider.shutdown().then(() => true),
        this.#uploader.drain()
      )
    );
    this.#uploader.close();
    return ok;
  }

  #withTimeout(work: Promise<boolean>): Promise<boolean> {
    return withinMillis(work, this.#options.flushTimeoutMillis, () => this.#counters.flushTimeouts++);
  }

  #ignored<T>(value: T): T {
    this.#counters.ignoredCalls++;
    return value;
  }

  #safely(work: () => void, countsStep = false): void {
    try {
      if (countsStep) this.#counters.stepsRecorded++;
      work();
    } catch (err) {
      this.#internalError(err);
    }
  }

  #internalError(err: unknown): void {
    this.#counters.internalErrors++;
    this.#warn('internal', 'internal error; recording continues best-effort', err);
  }
}

/** True when both resolve to true; false when either resolves to false or rejects. */
async function both(a: Promise<boolean>, b: Promise<boolean>): Promise<boolean> {
  const [x, y] = await Promise.all([a.catch(() => false), b.catch(() => false)]);
  return x && y;
}

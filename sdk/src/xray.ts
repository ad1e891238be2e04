import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanStatusCode, diag, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_PIPELINE_NAME,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_RUN_INPUT,
  ATTR_XRAY_RUN_INPUT_COUNT,
  ATTR_XRAY_RUN_OUTPUT,
  ATTR_XRAY_RUN_OUTPUT_COUNT,
  ATTR_XRAY_RUN_STATUS,
  ATTR_XRAY_RUN_STEP_COUNT,
  ATTR_XRAY_SPAN_KIND,
  RunStatuses,
  SpanKinds,
  type StepType,
} from '@xray/otel';
import { resolveOptions } from './options.js';
import { createProvider } from './provider.js';
import { type RecorderDeps, resultCount } from './recorder.js';
import { createSerializer } from './serialize.js';
import { beginStep, failStep, finishStep, recordError, type StepRecord } from './step.js';
import type { Decision, ResolvedOptions, StepFn, XRayOptions, XRayStats } from './types.js';

/** Room on the step span for its own attributes besides decision events, beyond two payloads. */
const STEP_ATTRIBUTES_RESERVE_BYTES = 4096;
const TRACER_NAME = '@xray/sdk';

/** State of one run in flight. */
interface RunState {
  span: Span;
  context: Context;
  runId: string;
  /** `input.length` when the run input is an array. */
  inputCount: number | undefined;
  nextStepIndex: number;
  firstStepInputCount: number | undefined;
  lastStep: { index: number; outputCount: number } | undefined;
}

/**
 * The X-Ray client: turns pipeline runs into OpenTelemetry traces (run = root span, step = child
 * span, decision = `xray.decision` event) exported over OTLP/HTTP protobuf. It owns its tracer
 * provider and never touches the global one. No method throws because of X-Ray itself: internal
 * failures are absorbed and counted in {@link XRay.stats}; only the caller's own step errors propagate.
 */
export class XRay {
  private readonly options: ResolvedOptions;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly deps: RecorderDeps;
  private readonly counters: XRayStats = {
    runsStarted: 0, stepsRecorded: 0, spansStarted: 0, decisionsRecorded: 0, invalidDecisions: 0,
    invalidResults: 0, serializationFailures: 0, truncatedValues: 0, spansExported: 0,
    exportFailures: 0, flushTimeouts: 0, ignoredCalls: 0, runsAbandoned: 0, internalErrors: 0,
  };
  private readonly runs = new Map<string, RunState>();
  private shutdownPromise: Promise<boolean> | undefined;
  private warned = false;

  /** Creates a client; throws only for invalid options. See {@link XRayOptions} for defaults. */
  constructor(options: XRayOptions = {}) {
    const opts = (this.options = resolveOptions(options));
    this.provider = createProvider(opts, this.counters);
    this.tracer = this.provider.getTracer(TRACER_NAME);
    this.deps = {
      tracer: this.tracer,
      serialize: createSerializer(opts.maxPayloadBytes, this.counters),
      decisionsPerSpan: opts.decisionsPerSpan,
      maxSpanBytes: opts.maxExportBytes - 2 * opts.maxPayloadBytes - STEP_ATTRIBUTES_RESERVE_BYTES,
      stats: this.counters,
    };
  }

  /**
   * Starts a run of `pipelineName` and returns its id (the run span's trace id, 32 hex chars).
   * After shutdown or on an internal failure it returns an id nothing is recorded under.
   */
  async startRun(pipelineName: string, input?: unknown): Promise<string> {
    if (this.shutdownPromise) return this.ignored(randomRunId());
    try {
      const span = this.tracer.startSpan(String(pipelineName), { root: true }, ROOT_CONTEXT);
      this.counters.spansStarted++;
      const runId = span.spanContext().traceId;
      span.setAttributes({
        [ATTR_XRAY_SPAN_KIND]: SpanKinds.RUN,
        [ATTR_XRAY_RUN_ID]: runId,
        [ATTR_XRAY_PIPELINE_NAME]: String(pipelineName),
      });
      const json = input === undefined ? undefined : this.deps.serialize(input);
      if (json !== undefined) span.setAttribute(ATTR_XRAY_RUN_INPUT, json);
      const inputCount = Array.isArray(input) ? input.length : undefined;
      this.runs.set(runId, {
        span, context: trace.setSpan(ROOT_CONTEXT, span), runId, inputCount,
        nextStepIndex: 0, firstStepInputCount: undefined, lastStep: undefined,
      });
      this.counters.runsStarted++;
      return runId;
    } catch (err) {
      this.internalError(err);
      return randomRunId();
    }
  }

  /**
   * Runs one step: calls `fn(input)` and records the decisions it returns, then returns that same
   * array. `fn` may be synchronous. An error thrown by `fn` is recorded on the step span and
   * rethrown unchanged. With an unknown `runId`, or after shutdown, `fn` still runs and nothing is
   * recorded.
   */
  async step<TStepInput, TResult extends readonly Decision<unknown>[]>(
    runId: string,
    type: StepType,
    name: string,
    fn: StepFn<TStepInput, TResult>,
    input: TStepInput,
  ): Promise<TResult> {
    const run = this.shutdownPromise ? undefined : this.runs.get(runId);
    if (!run) return this.ignored(await fn(input));
    let record: StepRecord | undefined;
    try {
      record = beginStep(this.deps, run, type, name, input);
    } catch (err) {
      this.internalError(err);
    }
    let result: TResult;
    try {
      result = await fn(input);
    } catch (err) {
      if (record) this.safely(() => this.noteStep(run, failStep(record, input, err)));
      throw err;
    }
    if (record) this.safely(() => this.noteStep(run, finishStep(this.deps, record, input, result)));
    return result;
  }

  /**
   * Ends a run: status error when `error` is given (and recorded), ok otherwise. `result` is
   * recorded as the run output; its length, when it is an array, is the run's output count.
   */
  async endRun(runId: string, result?: unknown, error?: unknown): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return this.ignored(undefined);
    this.runs.delete(runId);
    this.safely(() => this.finishRun(run, result, error));
  }

  /**
   * Exports everything recorded so far. Resolves true when all of it was exported, false on
   * failure or after `flushTimeoutMillis`; never rejects, even if the receiver never answers.
   */
  async flush(): Promise<boolean> {
    if (this.shutdownPromise) return this.ignored(false);
    return this.withTimeout(this.provider.forceFlush());
  }

  /**
   * Ends runs still open (status error), exports what is pending and closes the exporter, within
   * `flushTimeoutMillis`. Idempotent; afterwards every method is a no-op (steps still run `fn`).
   */
  shutdown(): Promise<boolean> {
    this.shutdownPromise ??= this.closeAll();
    return this.shutdownPromise;
  }

  /** A snapshot of what the SDK recorded and absorbed. */
  stats(): XRayStats {
    return { ...this.counters };
  }

  private async closeAll(): Promise<boolean> {
    for (const run of this.runs.values()) {
      this.counters.runsAbandoned++;
      this.safely(() => this.finishRun(run, undefined, undefined, 'run not ended before shutdown'));
    }
    this.runs.clear();
    return this.withTimeout(this.provider.shutdown());
  }

  private noteStep(run: RunState, counts: { index: number; inputCount: number; outputCount: number }): void {
    this.counters.stepsRecorded++;
    if (counts.index === 0) run.firstStepInputCount = counts.inputCount;
    if (!run.lastStep || counts.index > run.lastStep.index) {
      run.lastStep = { index: counts.index, outputCount: counts.outputCount };
    }
  }

  private finishRun(run: RunState, result: unknown, error: unknown, abandoned?: string): void {
    const span = run.span;
    try {
      const failed = abandoned !== undefined || (error !== undefined && error !== null);
      span.setAttributes({
        [ATTR_XRAY_RUN_STATUS]: failed ? RunStatuses.ERROR : RunStatuses.OK,
        [ATTR_XRAY_RUN_STEP_COUNT]: run.nextStepIndex,
        [ATTR_XRAY_RUN_INPUT_COUNT]: run.inputCount ?? run.firstStepInputCount ?? 0,
        [ATTR_XRAY_RUN_OUTPUT_COUNT]: resultCount(result) ?? run.lastStep?.outputCount ?? 0,
      });
      const json = result === undefined ? undefined : this.deps.serialize(result);
      if (json !== undefined) span.setAttribute(ATTR_XRAY_RUN_OUTPUT, json);
      if (abandoned !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: abandoned });
      else if (failed) recordError(span, error);
      else span.setStatus({ code: SpanStatusCode.OK });
    } finally {
      span.end();
    }
  }

  private async withTimeout(work: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.counters.flushTimeouts++;
        resolve(false);
      }, this.options.flushTimeoutMillis);
      timer.unref(); // waiting on a dead receiver must not keep the process alive
    });
    const finished = work.then(() => true, () => false);
    try {
      return await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private ignored<T>(value: T): T {
    this.counters.ignoredCalls++;
    return value;
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.internalError(err);
    }
  }

  private internalError(err: unknown): void {
    this.counters.internalErrors++;
    if (!this.warned) {
      this.warned = true; // log once: a broken recorder must not flood the application's logs
      diag.warn('X-Ray SDK internal error; recording continues best-effort. See XRay.stats().', err);
    }
  }
}

function randomRunId(): string {
  return randomBytes(16).toString('hex');
}

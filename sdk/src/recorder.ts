import { ROOT_CONTEXT, trace, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_XRAY_DECISIONS_OFFSET,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_ID,
  CaptureLevels,
  EVENT_XRAY_DECISION,
  Outcomes,
  SpanKinds,
  type CaptureLevel,
} from '@xray/otel';
import { decisionEvent, readDecision, type DecisionFields } from './decision.js';
import { estimateAttributesBytes } from './size.js';
import { createSampler, type Sampler } from './sampler.js';
import type { PayloadWriter } from './payloads.js';
import type { JsonArrayBuilder } from './serialize.js';
import type { XRayStats } from './types.js';
import type { Warn } from './warn.js';

export { resultCount, survivors, toEventAttributes } from './decision.js';

/** What the recorder needs from the client. */
export interface RecorderDeps {
  tracer: Tracer;
  /** Puts payloads on spans and events: inline, or uploaded and referenced. */
  payloads: PayloadWriter;
  /** Most decision events per span; equals the provider's eventCountLimit, so none is dropped. */
  decisionsPerSpan: number;
  /** Estimated byte budget of one span's decision events, so every span fits one export request. */
  maxSpanBytes: number;
  samplingSeed: number;
  watchList: ReadonlySet<string>;
  stats: XRayStats;
  warn: Warn;
}

/** The step a recorder records into. */
export interface StepTarget {
  span: Span;
  /** The step span's span id, hex. */
  stepId: string;
  runId: string;
  name: string;
  /** Run-wide start order of the step. */
  index: number;
}

/** Exact counts of one step's decisions, plus what the survivors became. */
export interface DecisionTally {
  kept: number;
  eliminated: number;
  scored: number;
  /** Valid decisions made; invalid entries are skipped and not counted. */
  decisionCount: number;
  /** Decisions recorded as events. */
  recordedCount: number;
  /**
   * The step output being built: for each kept or scored decision, in order, its
   * `output ?? input ?? itemId`, held as JSON (bounded by the payload cap), not as the items.
   */
  survivorOutputs: JsonArrayBuilder;
}

/**
 * Records one step's decisions as they come, at the step's capture level. Counts every valid
 * decision; records all (`full`), a sample (`sampled`) or none (`metrics_only`) as `xray.decision`
 * events. The first events go on the step span; when it holds `decisionsPerSpan` events (or its
 * estimated bytes pass the budget) further ones go on child "decisions" spans, each ended (and so
 * exported) as soon as it is full: memory per step stays bounded whatever the number of decisions.
 * Every span carries `xray.decisions.offset`, the step-wide position of its first event.
 */
export class DecisionRecorder {
  readonly tally: DecisionTally;
  #span: Span;
  #inSpan = 0;
  #spanBytes = 0;
  readonly #sampler: Sampler | undefined;
  /** Sampled level: the latest unrecorded decision, recorded at the end if it turns out last. */
  #held: { fields: DecisionFields; seq: number } | undefined;
  readonly #deps: RecorderDeps;
  readonly #step: StepTarget;

  constructor(
    deps: RecorderDeps,
    step: StepTarget,
    readonly capture: CaptureLevel
  ) {
    this.#deps = deps;
    this.#step = step;
    this.#span = step.span;
    this.tally = {
      kept: 0,
      eliminated: 0,
      scored: 0,
      decisionCount: 0,
      recordedCount: 0,
      survivorOutputs: deps.payloads.array(),
    };
    if (capture === CaptureLevels.SAMPLED) {
      this.#sampler = createSampler({
        runId: step.runId,
        seed: deps.samplingSeed,
        stepIndex: step.index,
        watchList: deps.watchList,
      });
    }
  }

  /** Counts and maybe records one entry; skips and counts it when it is not a decision. Never throws. */
  add(entry: unknown): void {
    let fields: DecisionFields | undefined;
    try {
      // All reads of the caller's object happen here: a throwing getter makes the entry invalid
      // instead of leaving counts and events out of step.
      fields = readDecision(entry);
    } catch {
      fields = undefined;
    }
    if (fields === undefined) {
      this.#deps.stats.decisionsDropped.invalid++;
      this.#deps.warn(
        'invalid_decision',
        'a step produced an entry that is not a decision (itemId string or number, outcome kept|eliminated|scored); skipped'
      );
      return;
    }
    const seq = this.tally.decisionCount++;
    this.#deps.stats.decisionsMade++;
    const survives = this.#count(fields);
    if (this.capture === CaptureLevels.FULL) {
      const json = this.#emit(fields, undefined, seq);
      if (survives) this.#survive(fields, json);
      return;
    }
    if (survives) this.#survive(fields, undefined);
    if (this.#sampler) {
      // A newer decision exists, so the held one is not the last: it stays unrecorded.
      this.#held = undefined;
      if (this.#sampler.keep(seq, fields)) this.#emit(fields, seq, seq);
      else this.#held = { fields, seq };
    }
  }

  /** Records the held-back last decision and ends the open chunk span (not the step span). */
  finish(): DecisionTally {
    try {
      if (this.#held) this.#emit(this.#held.fields, this.#held.seq, this.#held.seq);
      this.#held = undefined;
    } finally {
      if (this.#span !== this.#step.span) this.#span.end(); // a chunk span must never be left open
      this.#span = this.#step.span;
    }
    return this.tally;
  }

  /** Records one decision as an event; returns the JSON of what the item became, when it was serialised. */
  #emit(fields: DecisionFields, seq: number | undefined, position: number): string | undefined {
    const { attributes, survivorJson } = decisionEvent(fields, this.#deps.payloads, seq);
    const bytes = estimateAttributesBytes(attributes);
    if (
      this.#inSpan >= this.#deps.decisionsPerSpan ||
      (this.#inSpan > 0 && this.#spanBytes + bytes > this.#deps.maxSpanBytes)
    ) {
      if (this.#span !== this.#step.span) this.#span.end();
      this.#span = this.#startChunkSpan(position);
      this.#inSpan = 0;
      this.#spanBytes = 0;
    }
    this.#span.addEvent(EVENT_XRAY_DECISION, attributes);
    this.#inSpan++;
    this.#spanBytes += bytes;
    this.tally.recordedCount++;
    this.#deps.stats.decisionsRecorded++;
    return survivorJson;
  }

  #startChunkSpan(offset: number): Span {
    this.#deps.stats.spansStarted++;
    return this.#deps.tracer.startSpan(
      `${this.#step.name} decisions`,
      {
        attributes: {
          [ATTR_XRAY_SPAN_KIND]: SpanKinds.DECISIONS,
          [ATTR_XRAY_RUN_ID]: this.#step.runId,
          [ATTR_XRAY_STEP_ID]: this.#step.stepId,
          [ATTR_XRAY_DECISIONS_OFFSET]: offset,
        },
      },
      // Chunk spans hang off the step span whatever context the caller runs in.
      trace.setSpan(ROOT_CONTEXT, this.#step.span)
    );
  }

  /** Counts the decision's outcome; true when its item leaves the step (kept or scored). */
  #count(fields: DecisionFields): boolean {
    const tally = this.tally;
    switch (fields.outcome) {
      case Outcomes.KEPT:
        tally.kept++;
        return true;
      case Outcomes.ELIMINATED:
        tally.eliminated++;
        return false;
      case Outcomes.SCORED:
        tally.scored++;
        return true;
    }
    return false;
  }

  /** Kept and scored items leave the step: its output is what each became, as JSON when already made. */
  #survive(fields: DecisionFields, json: string | undefined): void {
    const survivors = this.tally.survivorOutputs;
    if (json !== undefined) survivors.pushJson(json);
    else survivors.push(fields.output ?? fields.input ?? fields.itemId);
  }
}

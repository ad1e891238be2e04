import { ROOT_CONTEXT, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_XRAY_DECISIONS_OFFSET,
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_METADATA,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_DECISION_OUTPUT,
  ATTR_XRAY_DECISION_REASON,
  ATTR_XRAY_DECISION_REASON_CODE,
  ATTR_XRAY_DECISION_SCORE,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_ID,
  EVENT_XRAY_DECISION,
  Outcomes,
  SpanKinds,
  isOutcome,
} from '@xray/otel';
import { estimateAttributesBytes } from './exporter.js';
import type { Serializer } from './serialize.js';
import type { Decision, XRayStats } from './types.js';

/** What the recorder needs from the client. */
export interface RecorderDeps {
  tracer: Tracer;
  serialize: Serializer;
  /** Most decision events per span; equals the provider's eventCountLimit, so none is dropped. */
  decisionsPerSpan: number;
  /** Estimated byte budget of one span's decision events, so every span fits one export request. */
  maxSpanBytes: number;
  stats: XRayStats;
}

/** The step a batch of decisions belongs to. */
export interface StepTarget {
  span: Span;
  /** The step span's span id, hex. */
  stepId: string;
  runId: string;
  name: string;
}

/** Counts of one step's recorded decisions, plus what the survivors became. */
export interface DecisionTally {
  kept: number;
  eliminated: number;
  scored: number;
  /** Decisions recorded; invalid entries are skipped and not counted. */
  decisionCount: number;
  /** For each kept or scored decision, in order: its `output ?? input ?? itemId`. */
  survivorOutputs: unknown[];
}

/**
 * Records each decision as an `xray.decision` event. The first `decisionsPerSpan` go on the step
 * span; the rest go on child "decisions" spans, each starting a new chunk when it is full by count
 * or by estimated bytes. Every span carries `xray.decisions.offset`, the step-wide sequence number
 * of its first event, so decisions keep a stable order and identity however they are split.
 */
export function recordDecisions(
  deps: RecorderDeps,
  step: StepTarget,
  decisions: readonly unknown[],
): DecisionTally {
  const tally: DecisionTally = { kept: 0, eliminated: 0, scored: 0, decisionCount: 0, survivorOutputs: [] };
  // Chunk spans hang off the step span whatever context the caller runs in.
  const stepContext = trace.setSpan(ROOT_CONTEXT, step.span);
  let span = step.span;
  let inSpan = 0;
  let spanBytes = 0;
  try {
    for (const entry of decisions) {
      let attributes: Attributes | undefined;
      let survivor: unknown;
      try {
        // All reads of the user's object happen here, before anything is recorded: a throwing
        // getter makes the entry invalid instead of leaving counts and events out of step.
        attributes = toEventAttributes(entry, deps.serialize);
        if (attributes !== undefined && attributes[ATTR_XRAY_DECISION_OUTCOME] !== Outcomes.ELIMINATED) {
          const d = entry as Decision;
          survivor = d.output ?? d.input ?? attributes[ATTR_XRAY_DECISION_ITEM_ID];
        }
      } catch {
        attributes = undefined;
      }
      if (attributes === undefined) {
        deps.stats.invalidDecisions++;
        continue;
      }
      const bytes = estimateAttributesBytes(attributes);
      if (inSpan >= deps.decisionsPerSpan || (inSpan > 0 && spanBytes + bytes > deps.maxSpanBytes)) {
        if (span !== step.span) span.end();
        span = startChunkSpan(deps, step, stepContext, tally.decisionCount);
        inSpan = 0;
        spanBytes = 0;
      }
      span.addEvent(EVENT_XRAY_DECISION, attributes);
      inSpan++;
      spanBytes += bytes;
      tally.decisionCount++;
      deps.stats.decisionsRecorded++;
      count(tally, attributes[ATTR_XRAY_DECISION_OUTCOME], survivor);
    }
  } finally {
    if (span !== step.span) span.end(); // a chunk span must never be left open
  }
  return tally;
}

function startChunkSpan(deps: RecorderDeps, step: StepTarget, parent: Context, offset: number): Span {
  deps.stats.spansStarted++;
  return deps.tracer.startSpan(
    `${step.name} decisions`,
    {
      attributes: {
        [ATTR_XRAY_SPAN_KIND]: SpanKinds.DECISIONS,
        [ATTR_XRAY_RUN_ID]: step.runId,
        [ATTR_XRAY_STEP_ID]: step.stepId,
        [ATTR_XRAY_DECISIONS_OFFSET]: offset,
      },
    },
    parent,
  );
}

function count(tally: DecisionTally, outcome: unknown, survivor: unknown): void {
  switch (outcome) {
    case Outcomes.KEPT:
      tally.kept++;
      break;
    case Outcomes.ELIMINATED:
      tally.eliminated++;
      return;
    case Outcomes.SCORED:
      tally.scored++;
      break;
  }
  // Kept and scored items leave the step; keep the step's output simple: what each item became.
  tally.survivorOutputs.push(survivor);
}

/**
 * Event attributes of one decision, or undefined when `entry` is not a decision (not an object,
 * no string/number itemId, unknown outcome). Optional fields are set only when present; `reason`
 * is always set ('' when absent) so every event has the same core shape.
 */
export function toEventAttributes(entry: unknown, serialize: Serializer): Attributes | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const d = entry as Partial<Decision>;
  const itemId = itemIdOf(d.itemId);
  if (itemId === undefined || !isOutcome(d.outcome)) return undefined;
  const attributes: Attributes = {
    [ATTR_XRAY_DECISION_ITEM_ID]: itemId,
    [ATTR_XRAY_DECISION_OUTCOME]: d.outcome,
    [ATTR_XRAY_DECISION_REASON]: typeof d.reason === 'string' ? d.reason : '',
  };
  if (typeof d.reasonCode === 'string') attributes[ATTR_XRAY_DECISION_REASON_CODE] = d.reasonCode;
  // NaN and infinities have no OTLP/JSON encoding; a score that is not a finite number is left out.
  if (typeof d.score === 'number' && Number.isFinite(d.score)) attributes[ATTR_XRAY_DECISION_SCORE] = d.score;
  setJson(attributes, ATTR_XRAY_DECISION_INPUT, d.input, serialize);
  setJson(attributes, ATTR_XRAY_DECISION_OUTPUT, d.output, serialize);
  setJson(attributes, ATTR_XRAY_DECISION_METADATA, d.metadata, serialize);
  return attributes;
}

function setJson(attributes: Attributes, key: string, value: unknown, serialize: Serializer): void {
  if (value === undefined) return;
  const json = serialize(value);
  if (json !== undefined) attributes[key] = json;
}

function itemIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** The decisions whose item continues (outcome kept or scored), in order: what the next step gets. */
export function survivors<T extends Decision<unknown>>(decisions: readonly T[]): T[] {
  return decisions.filter((d) => d?.outcome === Outcomes.KEPT || d?.outcome === Outcomes.SCORED);
}

/**
 * How many items a run's result holds: for an array of decisions (the seed passes the last step's
 * result to `endRun`), the survivors; for any other array, its length; otherwise `undefined`.
 */
export function resultCount(result: unknown): number | undefined {
  if (!Array.isArray(result)) return undefined;
  const decisions = result.length > 0 && result.every((d) => typeof d === 'object' && d !== null && isOutcome((d as Decision<unknown>).outcome));
  return decisions ? survivors(result as Decision<unknown>[]).length : result.length;
}

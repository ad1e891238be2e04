import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_XRAY_DECISION_IMPORTANT,
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_METADATA,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_DECISION_OUTPUT,
  ATTR_XRAY_DECISION_REASON,
  ATTR_XRAY_DECISION_REASON_CODE,
  ATTR_XRAY_DECISION_SCORE,
  ATTR_XRAY_DECISION_SEQ,
  Outcomes,
  isOutcome,
  type Outcome,
} from '@xray/otel';
import type { PayloadWriter } from './payloads.js';
import type { Decision } from './types.js';

/** A decision's fields, read once from the caller's object (whose getters may throw). */
export interface DecisionFields {
  itemId: string;
  outcome: Outcome;
  reason: string | undefined;
  reasonCode: string | undefined;
  important: boolean;
  score: number | undefined;
  input: unknown;
  output: unknown;
  metadata: unknown;
}

/**
 * Reads a decision, or returns undefined when `entry` is not one (not an object, no string/number
 * itemId, unknown outcome). May throw (a throwing getter); callers catch and count it invalid.
 */
export function readDecision(entry: unknown): DecisionFields | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const d = entry as Partial<Decision>;
  const itemId = itemIdOf(d.itemId);
  const outcome = d.outcome;
  if (itemId === undefined || !isOutcome(outcome)) return undefined;
  const reason = d.reason;
  const reasonCode = d.reasonCode;
  const score = d.score;
  return {
    itemId,
    outcome,
    reason: typeof reason === 'string' ? reason : undefined,
    reasonCode: typeof reasonCode === 'string' ? reasonCode : undefined,
    important: d.important === true,
    // NaN and infinities have no OTLP/JSON encoding; a score that is not a finite number is left out.
    score: typeof score === 'number' && Number.isFinite(score) ? score : undefined,
    input: d.input,
    output: d.output,
    metadata: d.metadata,
  };
}

/**
 * Event attributes of one decision. Optional fields are set only when present; `reason` is always
 * set ('' when absent) so every event has the same core shape. `seq` (the decision's position in
 * its step) is given only when not every decision is recorded.
 */
export function eventAttributes(d: DecisionFields, payloads: PayloadWriter, seq?: number): Attributes {
  return decisionEvent(d, payloads, seq).attributes;
}

/**
 * {@link eventAttributes}, and the JSON of what the item became (`output ?? input`, as serialised
 * for the event), so the step's output reuses it instead of serialising the same value again.
 */
export function decisionEvent(
  d: DecisionFields,
  payloads: PayloadWriter,
  seq?: number
): { attributes: Attributes; survivorJson: string | undefined } {
  const attributes: Attributes = {
    [ATTR_XRAY_DECISION_ITEM_ID]: d.itemId,
    [ATTR_XRAY_DECISION_OUTCOME]: d.outcome,
    [ATTR_XRAY_DECISION_REASON]: d.reason ?? '',
  };
  if (d.reasonCode !== undefined) attributes[ATTR_XRAY_DECISION_REASON_CODE] = d.reasonCode;
  if (d.score !== undefined) attributes[ATTR_XRAY_DECISION_SCORE] = d.score;
  if (d.important) attributes[ATTR_XRAY_DECISION_IMPORTANT] = true;
  if (seq !== undefined) attributes[ATTR_XRAY_DECISION_SEQ] = seq;
  const input = payloads.set(attributes, ATTR_XRAY_DECISION_INPUT, d.input);
  const output = payloads.set(attributes, ATTR_XRAY_DECISION_OUTPUT, d.output);
  payloads.set(attributes, ATTR_XRAY_DECISION_METADATA, d.metadata);
  return { attributes, survivorJson: d.output !== undefined ? output : input };
}

/** Event attributes of `entry`, or undefined when it is not a decision (see {@link readDecision}). */
export function toEventAttributes(entry: unknown, payloads: PayloadWriter): Attributes | undefined {
  const fields = readDecision(entry);
  return fields && eventAttributes(fields, payloads);
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
  const decisions =
    result.length > 0 &&
    result.every((d) => typeof d === 'object' && d !== null && isOutcome((d as Decision<unknown>).outcome));
  return decisions ? survivors(result as Decision<unknown>[]).length : result.length;
}

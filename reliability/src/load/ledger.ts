import { createHash } from 'node:crypto';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import * as C from '@xray/otel';

/**
 * What an export request came to: `ok` (the receiver answered 2xx: acknowledged, must be stored
 * exactly once), `failed` (it answered an error status; retries, if any, are over), `unknown` (no
 * answer: timeout, connection dropped, still in flight — it may or may not have been stored).
 */
export type ExportOutcome = 'ok' | 'failed' | 'unknown';

/** One decision as it was sent. */
export interface SentDecision {
  /** Its position in the step (the backend's identity for it with the step id). */
  seq: number;
  itemId: string;
  outcome: string;
  reason: string;
  /**
   * SHA-256 of the decision's input as canonical JSON: the load generator's own when it told the
   * ledger (see {@link Ledger.expectInput}), else the inline value's, else the reference's; undefined
   * when it had none.
   */
  inputHash: string | undefined;
  /** The reference (`<day>/<sha256>/<bytes>`) the span carried instead of the input, when it did. */
  inputRef?: string;
}

/** One span as it was sent: its identity, the row fields it must produce, its decisions. */
export interface SentSpan {
  kind: string;
  runId: string;
  spanId: string;
  /** The step a step or decisions span belongs to; '' for a run. */
  stepId: string;
  /** Start time in ns since the epoch (dates the payload's S3 key). */
  startNanos: string;
  /** Row fields that must be stored as sent: run or step name and counts. */
  fields: Record<string, string | number>;
  decisions: SentDecision[];
}

export interface ExportRecord {
  id: number;
  spans: SentSpan[];
  outcome: ExportOutcome;
  /** Why it was not ok, when it was not. */
  error?: string;
}

/** Every export request a load generator made, with what was in it and how it ended. */
export class Ledger {
  readonly exports: ExportRecord[] = [];
  readonly #inputs = new Map<string, string>();
  readonly #deleted = new Set<string>();

  /** Tells the ledger the hash of an item's input as made (before the SDK saw it), by item id. */
  expectInput(itemId: string, hash: string): void {
    this.#inputs.set(itemId, hash);
  }

  /** The hash {@link expectInput} was told for an item, if any. */
  expectedInput(itemId: string): string | undefined {
    return this.#inputs.get(itemId);
  }

  /** Records a request before it is sent; its outcome is `unknown` until settled. */
  open(spans: SentSpan[]): ExportRecord {
    const record: ExportRecord = { id: this.exports.length, spans, outcome: 'unknown' };
    this.exports.push(record);
    return record;
  }

  /** Records a request whose outcome is already known (raw HTTP senders). */
  add(spans: SentSpan[], outcome: ExportOutcome, error?: string): void {
    const record = this.open(spans);
    settle(record, outcome, error);
  }

  counts(): Record<ExportOutcome, number> {
    const counts = { ok: 0, failed: 0, unknown: 0 };
    for (const e of this.exports) counts[e.outcome]++;
    return counts;
  }

  /** Spans of acknowledged requests, each once (the same span may have been sent more than once). */
  acknowledged(): SentSpan[] {
    return unique(this.exports.filter((e) => e.outcome === 'ok'));
  }

  /** Spans never acknowledged by any request. */
  unacknowledged(): SentSpan[] {
    const acked = new Set(this.acknowledged().map((s) => s.spanId));
    return unique(this.exports.filter((e) => e.outcome !== 'ok')).filter((s) => !acked.has(s.spanId));
  }

  /** Decisions in acknowledged requests. */
  acknowledgedDecisions(): number {
    return this.acknowledged().reduce((n, s) => n + s.decisions.length, 0);
  }

  /**
   * Records that a run was deleted on request (`DELETE /v1/runs/{id}` answered 200): from then on
   * nothing of it may be stored, and the checker looks for its leftovers instead of its records.
   */
  recordDeletion(runId: string): void {
    this.#deleted.add(runId);
  }

  /** The runs deleted on request, in the order they were recorded. */
  deletedRuns(): ReadonlySet<string> {
    return this.#deleted;
  }
}

function unique(records: ExportRecord[]): SentSpan[] {
  const seen = new Map<string, SentSpan>();
  for (const r of records) for (const s of r.spans) if (!seen.has(s.spanId)) seen.set(s.spanId, s);
  return [...seen.values()];
}

function settle(record: ExportRecord, outcome: ExportOutcome, error?: string): void {
  record.outcome = outcome;
  if (error !== undefined) record.error = error;
}

/**
 * Wraps the SDK's real exporter (the OTLP/HTTP protobuf one) and writes every request into a
 * {@link Ledger}: its spans before it is sent, its outcome when the exporter reports it, after its
 * own retries. Pass it as the SDK's `exporter` option.
 */
export class LedgerExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #ledger: Ledger;

  constructor(inner: SpanExporter, ledger: Ledger) {
    this.#inner = inner;
    this.#ledger = ledger;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const ledger = this.#ledger;
    const record = ledger.open(spans.map((s) => sentSpan(s, (itemId) => ledger.expectedInput(itemId))));
    try {
      this.#inner.export(spans, (result) => {
        settle(record, outcomeOf(result), result.error?.message);
        done(result);
      });
    } catch (err) {
      settle(record, 'unknown', (err as Error).message);
      done({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** An HTTP error status means the receiver answered no; anything else (timeout, reset) is unknown. */
export function outcomeOf(result: ExportResult): ExportOutcome {
  if (result.code === ExportResultCode.SUCCESS) return 'ok';
  const status = (result.error as { code?: unknown } | undefined)?.code;
  return typeof status === 'number' && status >= 400 && status < 600 ? 'failed' : 'unknown';
}

/**
 * What the backend must make of `span`, read from the span the SDK produced. `expectedInput` gives
 * a decision's input hash as the load made it, so an input the SDK mangled (cut, lost its
 * reference) is not hashed as sent and then found "equal".
 */
export function sentSpan(span: ReadableSpan, expectedInput?: (itemId: string) => string | undefined): SentSpan {
  const a = span.attributes;
  const { traceId, spanId } = span.spanContext();
  const kind = String(a[C.ATTR_XRAY_SPAN_KIND] ?? '');
  const runId = String(a[C.ATTR_XRAY_RUN_ID] ?? traceId);
  const stepId =
    kind === C.SpanKinds.RUN
      ? ''
      : String(a[C.ATTR_XRAY_STEP_ID] ?? (kind === C.SpanKinds.STEP ? spanId : (span.parentSpanContext?.spanId ?? '')));
  const fields: Record<string, string | number> = {};
  const copy = (column: string, attribute: string) => {
    const value = a[attribute];
    if (typeof value === 'string' || typeof value === 'number') fields[column] = value;
  };
  if (kind === C.SpanKinds.RUN) {
    copy('pipeline', C.ATTR_XRAY_PIPELINE_NAME);
    copy('total_steps', C.ATTR_XRAY_RUN_STEP_COUNT);
    copy('input_count', C.ATTR_XRAY_RUN_INPUT_COUNT);
    copy('output_count', C.ATTR_XRAY_RUN_OUTPUT_COUNT);
  } else if (kind === C.SpanKinds.STEP) {
    copy('name', C.ATTR_XRAY_STEP_NAME);
    copy('input_count', C.ATTR_XRAY_STEP_INPUT_COUNT);
    copy('output_count', C.ATTR_XRAY_STEP_OUTPUT_COUNT);
    copy('kept_count', C.ATTR_XRAY_STEP_KEPT_COUNT);
    copy('eliminated_count', C.ATTR_XRAY_STEP_ELIMINATED_COUNT);
    copy('scored_count', C.ATTR_XRAY_STEP_SCORED_COUNT);
    copy('decision_count', C.ATTR_XRAY_STEP_DECISION_COUNT);
  }
  const offset = Number(a[C.ATTR_XRAY_DECISIONS_OFFSET] ?? 0);
  const decisions: SentDecision[] = [];
  for (const event of span.events) {
    if (event.name !== C.EVENT_XRAY_DECISION) continue;
    const e = event.attributes ?? {};
    const itemId = String(e[C.ATTR_XRAY_DECISION_ITEM_ID] ?? '');
    const input = e[C.ATTR_XRAY_DECISION_INPUT];
    const ref = e[C.ATTR_XRAY_DECISION_INPUT_REF];
    const refHash = C.parsePayloadRef(ref)?.sha256;
    decisions.push({
      seq: e[C.ATTR_XRAY_DECISION_SEQ] !== undefined ? Number(e[C.ATTR_XRAY_DECISION_SEQ]) : offset + decisions.length,
      itemId,
      outcome: String(e[C.ATTR_XRAY_DECISION_OUTCOME] ?? ''),
      reason: String(e[C.ATTR_XRAY_DECISION_REASON] ?? ''),
      inputHash: expectedInput?.(itemId) ?? (typeof input === 'string' ? hashJson(input) : refHash),
      ...(typeof ref === 'string' ? { inputRef: ref } : {}),
    });
  }
  const [seconds, nanos] = span.startTime;
  return {
    kind,
    runId,
    spanId,
    stepId,
    startNanos: String(BigInt(seconds) * 1_000_000_000n + BigInt(nanos)),
    fields,
    decisions,
  };
}

/** SHA-256 of a JSON text in canonical form (parsed and printed again); a non-JSON text is hashed as a JSON string. */
export function hashJson(text: string): string {
  let canonical: string;
  try {
    canonical = JSON.stringify(JSON.parse(text));
  } catch {
    canonical = JSON.stringify(text);
  }
  return hashCanonical(canonical);
}

/** SHA-256 of already canonical JSON (`JSON.stringify` of a parsed value). */
export function hashCanonical(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

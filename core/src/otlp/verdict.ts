/**
 * The verdict both OTLP decoders (protobuf and JSON) reach on a request, and the checks they share,
 * so that the two encodings of one request always decode to the same result.
 */
import { ATTR_XRAY_SPAN_KIND, SpanKinds } from '@xray/otel';
import type { XSpan } from '../model/span.js';
import { RUN_ID_RE, STEP_ID_RE } from '../model/ids.js';
import { isStorableNanos } from '../model/time.js';

/** An X-Ray span the receiver refused, and why (reported back in OTLP's partial_success). */
export interface SpanRejection {
  traceId: string;
  spanId: string;
  reason: string;
}

/**
 * What one ExportTraceServiceRequest holds for X-Ray, without the spans themselves: what the
 * receiver answers with. The check and the full decode of the same bytes always agree on it.
 */
export interface OtlpVerdict {
  /** Valid X-Ray spans. */
  acceptedSpans: number;
  /** Spans without `xray.span.kind`: not X-Ray's, dropped without complaint. */
  ignoredSpans: number;
  /** X-Ray spans that failed validation; the rest of the request still counts. */
  rejected: SpanRejection[];
}

/** The X-Ray content of one ExportTraceServiceRequest: the verdict and the accepted spans. */
export interface OtlpTraces extends OtlpVerdict {
  /** Valid X-Ray spans, in request order (`acceptedSpans` of them). */
  spans: XSpan[];
}

/** Deepest AnyValue nesting (arrays, kvlists) accepted; deeper is hostile, not telemetry. */
export const MAX_ANY_VALUE_DEPTH = 32;

/** The problem of a span with an attribute value deeper than {@link MAX_ANY_VALUE_DEPTH}. */
export const DEPTH_PROBLEM = `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`;

const ALL_ZERO = /^0+$/;
const kinds: ReadonlySet<unknown> = new Set(Object.values(SpanKinds));
const kindList = Object.values(SpanKinds).join(', ');

/** Why a decoded X-Ray span cannot be accepted, or undefined when it is valid. */
export function rejectionReason(span: XSpan): string | undefined {
  // Trace ids have the run id's form and span ids the step id's (ids.ts).
  if (!RUN_ID_RE.test(span.traceId) || ALL_ZERO.test(span.traceId)) {
    return `trace id must be 32 hex characters, not all zero (got ${span.traceId.length} characters)`;
  }
  if (!STEP_ID_RE.test(span.spanId) || ALL_ZERO.test(span.spanId)) {
    return `span id must be 16 hex characters, not all zero (got ${span.spanId.length} characters)`;
  }
  if (span.parentSpanId !== '' && !STEP_ID_RE.test(span.parentSpanId)) {
    return `parent span id must be empty or 16 hex characters (got ${span.parentSpanId.length} characters)`;
  }
  const kind = span.attributes[ATTR_XRAY_SPAN_KIND];
  if (!kinds.has(kind)) return `${ATTR_XRAY_SPAN_KIND} must be one of ${kindList} (got ${JSON.stringify(kind)})`;
  if (!isStorableNanos(span.startTimeUnixNano)) {
    return `start time must be nanoseconds after the epoch, before 2262 (got ${JSON.stringify(span.startTimeUnixNano)})`;
  }
  return undefined;
}

/** One sentence for OTLP's partial_success.error_message, naming the first problem. */
export function rejectionMessage(rejected: readonly SpanRejection[]): string {
  const first = rejected[0];
  if (first === undefined) return '';
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : '';
  const noun = rejected.length === 1 ? 'X-Ray span' : 'X-Ray spans';
  return `${rejected.length} ${noun} rejected; span ${first.spanId.slice(0, 32) || '(no id)'}: ${first.reason}${more}`;
}

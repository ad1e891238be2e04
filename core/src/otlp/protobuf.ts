/**
 * OTLP/protobuf `ExportTraceServiceRequest` -> X-Ray spans, the same result as the JSON decoder.
 * The parts are in protobuf/, one module per message, each checked without building (the
 * receiver's path) and built (the processor's) side by side: the wire reader (wire.ts), a Span and
 * its Status (span.ts), its events (event.ts), attributes and AnyValues (any-value.ts).
 *
 * Field numbers are those of opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 * Fields are matched on the whole tag, (field number << 3) | wire type (0 varint, 1 fixed64,
 * 2 length-delimited), so a known field sent with the wrong wire type is skipped like an unknown
 * one, never misread. Each module defines the tags of the message it reads as its own constants:
 * V8 folds a module's own constants into its loops but loads an imported one at every comparison
 * (measured: the receiver's check at 0.8x of today's with the tags in a module of their own).
 */
import type { XSpan } from '../model/span.js';
import { MalformedOtlpError } from './problems.js';
import { readSpan } from './protobuf/span.js';
import { ProtoReader } from './protobuf/wire.js';
import type { DecodeResult } from './result.js';
import type { OtlpTraces, OtlpVerdict } from './verdict.js';

const T_RESOURCE_SPANS = (1 << 3) | 2; // ExportTraceServiceRequest.resource_spans
const T_SCOPE_SPANS = (2 << 3) | 2; // ResourceSpans.scope_spans
const T_SPANS = (2 << 3) | 2; // ScopeSpans.spans

/**
 * Checks an OTLP/protobuf trace export body without building spans: the verdict the receiver
 * answers with (accepted, ignored and rejected spans). A malformed body is an error value, never a throw.
 */
export function checkOtlpProtobuf(body: Uint8Array): DecodeResult<OtlpVerdict> {
  return walk(body, undefined);
}

/**
 * Decodes an OTLP/protobuf trace export body: the X-Ray spans {@link checkOtlpProtobuf} accepts,
 * built, and the same verdict (it runs the same checks, so both always agree on the same bytes).
 */
export function decodeOtlpProtobuf(body: Uint8Array): DecodeResult<OtlpTraces> {
  const spans: XSpan[] = [];
  const result = walk(body, spans);
  return result.ok ? { ok: true, value: { ...result.value, spans } } : result;
}

/** Checks every span of the body; builds the accepted ones into `spans` when given. */
function walk(body: Uint8Array, spans: XSpan[] | undefined): DecodeResult<OtlpVerdict> {
  const out: OtlpVerdict = { acceptedSpans: 0, ignoredSpans: 0, rejected: [] };
  const r = new ProtoReader(body);
  try {
    forEach(r, body.length, T_RESOURCE_SPANS, (rsEnd) =>
      forEach(r, rsEnd, T_SCOPE_SPANS, (ssEnd) =>
        forEach(r, ssEnd, T_SPANS, (spanEnd) => readSpan(r, spanEnd, out, spans))
      )
    );
  } catch (err) {
    const what = err instanceof MalformedOtlpError ? err.message : `decoder failure (${String(err)})`;
    return { ok: false, error: `invalid OTLP protobuf at byte ${r.pos}: ${what}` };
  }
  return { ok: true, value: out };
}

/** Calls `fn(end)` for each length-delimited field with tag `wanted` in [pos, end), skipping others. */
function forEach(r: ProtoReader, end: number, wanted: number, fn: (fieldEnd: number) => void): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag !== wanted) {
      r.skip(tag, end);
      continue;
    }
    const fieldEnd = r.delimited(end);
    fn(fieldEnd);
    r.expectEnd(fieldEnd);
  }
  r.expectEnd(end);
}

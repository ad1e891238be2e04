/**
 * OTLP/JSON `ExportTraceServiceRequest` -> X-Ray spans, the same result as the protobuf decoder.
 * OTLP/JSON differs from the generic protobuf JSON mapping: ids are hex (any case), enums are
 * integers, 64-bit integers may be strings or numbers. Unknown fields are ignored.
 *
 * One pass over the bytes, without JSON.parse (which builds every object and string of the body,
 * most of the receiver's time on JSON): checking builds nothing but the few strings it compares,
 * and decoding builds the accepted spans in the same pass, so both reach the same verdict. It
 * reads what JSON.parse and the OTLP field rules would: strict JSON syntax (any nesting depth), a
 * repeated field's last value wins, and integers of 16 or more digits under `...UnixNano` and
 * `intValue` keep every digit (JSON.parse would round them to doubles).
 *
 * The parts are in json/: the lexer (lexer.ts) and beside it the steps through objects and arrays
 * (cursor.ts); the reader's state (reader.ts); the fields read, by message (fields.ts); the
 * request's outer levels (request.ts), one span (span.ts) and its events (event.ts), attributes
 * and AnyValues (any-value.ts) with the serializers' shapes read straight (shapes.ts), and scalar
 * fields (scalars.ts).
 */
import { Buffer } from 'node:buffer';
import { ws } from './json/lexer.js';
import { OtlpJsonReader } from './json/reader.js';
import { readRequest } from './json/request.js';
import { MalformedOtlpError } from './problems.js';
import type { DecodeResult } from './result.js';
import type { OtlpTraces, OtlpVerdict } from './verdict.js';

/**
 * Checks an OTLP/JSON trace export body without building spans: the verdict the receiver answers
 * with (accepted, ignored and rejected spans). A malformed body is an error value, never a throw.
 */
export function checkOtlpJson(body: string | Uint8Array): DecodeResult<OtlpVerdict> {
  const result = walk(body, false);
  return result.ok
    ? {
        ok: true,
        value: {
          acceptedSpans: result.value.acceptedSpans,
          ignoredSpans: result.value.ignoredSpans,
          rejected: result.value.rejected,
        },
      }
    : result;
}

/**
 * Decodes an OTLP/JSON trace export body: the X-Ray spans {@link checkOtlpJson} accepts, built,
 * and the same verdict (the same pass, building as it goes).
 */
export function decodeOtlpJson(body: string | Uint8Array): DecodeResult<OtlpTraces> {
  return walk(body, true);
}

function walk(body: string | Uint8Array, build: boolean): DecodeResult<OtlpTraces> {
  const r = new OtlpJsonReader(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, build);
  try {
    // A UTF-8 byte order mark is allowed (decoding the body as text would drop it).
    if (r.b[0] === 0xef && r.b[1] === 0xbb && r.b[2] === 0xbf) r.pos = 3;
    ws(r);
    const traces = readRequest(r);
    ws(r);
    if (r.pos !== r.b.length) throw r.syntax('unexpected data after the JSON value');
    return { ok: true, value: traces };
  } catch (err) {
    const what = err instanceof MalformedOtlpError ? err.message : `decoder failure (${String(err)})`;
    return { ok: false, error: `invalid OTLP JSON: ${what}` };
  }
}

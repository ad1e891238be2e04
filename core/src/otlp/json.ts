/**
 * OTLP/JSON `ExportTraceServiceRequest` -> X-Ray spans, the same result as the protobuf decoder.
 * OTLP/JSON differs from the generic protobuf JSON mapping: ids are hex (any case), enums are
 * integers, 64-bit integers may be strings or numbers. Unknown fields are ignored.
 */
import { Buffer, isAscii } from 'node:buffer';
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { DecodeResult } from '../queue.js';
import type { AttrValue, Attributes, XEvent, XSpan } from '../span.js';
import {
  MAX_ANY_VALUE_DEPTH,
  SpanRejectedError,
  accept,
  doubleValue,
  newAttributes,
  setAttribute,
  type OtlpTraces,
} from './model.js';

/** A body that is JSON but not an OTLP trace request: the whole request is undecodable. */
class ShapeError extends Error {}

type Obj = Record<string, unknown>;

/**
 * Unquoted integers of 16+ digits under the 64-bit integer keys (`...UnixNano`, `intValue`),
 * quoted before JSON.parse so they keep every digit (JSON.parse would round them to doubles).
 * Only an object key can be followed by `"` and `:`, and a `"` inside a JSON string is escaped,
 * so string contents never match.
 */
const BIG_INTEGER = /(Nano"|intValue")(\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

const utf8 = new TextDecoder('utf-8');
const HEX_ID = /^[0-9a-fA-F]*$/;
const UINT64 = /^\d{1,20}$/;
const CANONICAL_BELOW_2_63 = /^(?:0|[1-9]\d{0,18})$/; // needs no BigInt to check or normalise
const INT64 = /^-?\d{1,19}$/;
const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * Decodes an OTLP/JSON trace export body. Returns the X-Ray spans, the count of other spans
 * (ignored) and the X-Ray spans rejected one by one; a malformed body is an error value, never a throw.
 */
export function decodeOtlpJson(body: string | Uint8Array): DecodeResult<OtlpTraces> {
  const text = (typeof body === 'string' ? body : toText(body)).replace(BIG_INTEGER, '$1$2"$3"');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid OTLP JSON: ${(err as Error).message}` };
  }
  const out: OtlpTraces = { spans: [], ignoredSpans: 0, rejected: [] };
  try {
    for (const rs of list(object(root, 'request'), 'resourceSpans')) {
      for (const ss of list(object(rs, 'resourceSpans item'), 'scopeSpans')) {
        for (const span of list(object(ss, 'scopeSpans item'), 'spans')) readSpan(object(span, 'span'), out);
      }
    }
  } catch (err) {
    return { ok: false, error: `invalid OTLP JSON: ${(err as Error).message}` };
  }
  return { ok: true, value: out };
}

/** UTF-8 bytes to text. Most bodies are pure ASCII, which Node copies far faster as latin1. */
function toText(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return utf8.decode(bytes);
}

function readSpan(json: Obj, out: OtlpTraces): void {
  const attributes = list(json, 'attributes');
  if (!attributes.some((kv) => isObject(kv) && kv.key === ATTR_XRAY_SPAN_KIND)) {
    out.ignoredSpans++;
    return;
  }
  const traceId = hexId(json.traceId);
  const spanId = hexId(json.spanId);
  let span: XSpan;
  try {
    span = {
      traceId,
      spanId,
      parentSpanId: hexId(json.parentSpanId),
      name: string(json.name, 'span name'),
      startTimeUnixNano: timestamp(json.startTimeUnixNano, 'startTimeUnixNano'),
      endTimeUnixNano: timestamp(json.endTimeUnixNano, 'endTimeUnixNano'),
      attributes: newAttributes(),
      events: [],
      status: { code: 0, message: '' },
    };
    const status = json.status ?? undefined;
    if (status !== undefined) {
      const s = object(status, 'span status');
      span.status.code = integer(s.code, 'status code');
      span.status.message = string(s.message, 'status message');
    }
    readAttributes(attributes, span.attributes, 0);
    for (const e of list(json, 'events')) span.events.push(readEvent(object(e, 'event')));
  } catch (err) {
    // A malformed field inside one X-Ray span rejects that span, not the request around it.
    if (!(err instanceof SpanRejectedError || err instanceof ShapeError)) throw err;
    out.rejected.push({ traceId, spanId, reason: err.message });
    return;
  }
  accept(out, span);
}

function readEvent(json: Obj): XEvent {
  const event: XEvent = {
    timeUnixNano: timestamp(json.timeUnixNano, 'timeUnixNano'),
    name: string(json.name, 'event name'),
    attributes: newAttributes(),
  };
  readAttributes(list(json, 'attributes'), event.attributes, 0);
  return event;
}

function readAttributes(kvs: unknown[], into: Attributes, depth: number): void {
  for (const kv of kvs) {
    const o = object(kv, 'attribute');
    setAttribute(into, string(o.key, 'attribute key'), anyValue(o.value, depth + 1));
  }
}

/** AnyValue: exactly one of its fields is set; none (or null) is an empty value. */
function anyValue(json: unknown, depth: number): AttrValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new SpanRejectedError(`attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  if (json === undefined || json === null) return null;
  const v = object(json, 'attribute value');
  if (v.stringValue != null) return string(v.stringValue, 'stringValue');
  if (v.boolValue != null) {
    if (typeof v.boolValue !== 'boolean') throw new ShapeError('boolValue must be a boolean');
    return v.boolValue;
  }
  if (v.intValue != null) return int64(v.intValue);
  if (v.doubleValue != null) return double(v.doubleValue);
  if (v.arrayValue != null) {
    return list(object(v.arrayValue, 'arrayValue'), 'values').map((item) => anyValue(item, depth + 1));
  }
  if (v.kvlistValue != null) {
    const map = newAttributes();
    readAttributes(list(object(v.kvlistValue, 'kvlistValue'), 'values'), map, depth);
    return map;
  }
  if (v.bytesValue != null) return string(v.bytesValue, 'bytesValue'); // already base64 in OTLP/JSON
  return null;
}

/** A hex id, lowercased; anything else becomes '' and is rejected with the span. */
function hexId(value: unknown): string {
  return typeof value === 'string' && HEX_ID.test(value) ? value.toLowerCase() : '';
}

/** A uint64 nanosecond timestamp given as a string or a number; absent is '0'. */
function timestamp(value: unknown, what: string): string {
  if (value == null) return '0';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && CANONICAL_BELOW_2_63.test(value)) return value;
  if (typeof value === 'string' && UINT64.test(value)) {
    const n = BigInt(value);
    if (n <= MAX_UINT64) return n.toString(); // canonical form, as the protobuf decoder gives
  }
  throw new ShapeError(`${what} must be an unsigned 64-bit integer, as a string or a number`);
}

/** int64: a number when safe, else its decimal string (as the protobuf decoder gives). */
function int64(value: unknown): number | string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && INT64.test(value)) {
    const n = BigInt(value);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) {
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    }
  }
  throw new ShapeError('intValue must be a 64-bit integer, as a string or a number');
}

/** A double, or one of the strings protobuf JSON uses for non-finite values. */
function double(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return doubleValue(Number(value));
  throw new ShapeError('doubleValue must be a number');
}

function integer(value: unknown, what: string): number {
  if (value == null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new ShapeError(`${what} must be an integer`);
}

function string(value: unknown, what: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw new ShapeError(`${what} must be a string`);
  return value;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): Obj {
  if (!isObject(value)) throw new ShapeError(`${what} must be an object`);
  return value;
}

/** The array under `key`; absent or null is empty. */
function list(parent: Obj, key: string): unknown[] {
  const value = parent[key];
  if (value == null) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${key} must be an array`);
  return value;
}

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
 */
import { Buffer } from 'node:buffer';
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { DecodeResult } from './result.js';
import type { AttrValue, Attributes, XEvent, XSpan } from '../model/span.js';
import { MAX_ANY_VALUE_DEPTH, rejectionReason, type OtlpTraces, type OtlpVerdict } from './verdict.js';
import { doubleValue, newAttributes, setAttribute } from './attributes.js';
import {
  JsonSyntaxError,
  Reader,
  isNumberStart,
  literal,
  scanNumber,
  scanString,
  skipValue,
  ws,
} from './json-reader.js';

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

const HEX_ID = /^[0-9a-fA-F]*$/;
const UINT64 = /^\d{1,20}$/;
const CANONICAL_BELOW_2_63 = /^(?:0|[1-9]\d{0,18})$/; // needs no BigInt to check or normalise
const INT64 = /^-?\d{1,19}$/;
const MAX_UINT64 = 2n ** 64n - 1n;
const DEPTH_ERROR = `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`;
const KIND_KEY = new TextEncoder().encode(ATTR_XRAY_SPAN_KIND);

/** The fields each OTLP message has, by name; the index is what {@link member} returns. */
const fields = (...names: string[]) => names.map((n) => new TextEncoder().encode(n));
const REQUEST = fields('resourceSpans');
const RESOURCE_SPANS = fields('scopeSpans');
const SCOPE_SPANS = fields('spans');
const SPAN = fields(
  'traceId',
  'spanId',
  'parentSpanId',
  'name',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'status',
  'attributes',
  'events'
);
const STATUS = fields('code', 'message');
const EVENT = fields('timeUnixNano', 'name', 'attributes');
const KEY_VALUE = fields('key', 'value');
/** AnyValue's fields, in the order the first one set (not null) is taken. */
const ANY_VALUE = fields(
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue'
);
const VALUES = fields('values');
const ANY_FIELDS = ANY_VALUE.length;

/** A request-level problem: the body is not an OTLP trace request. */
class ShapeError extends Error {}

/** What one list of spans (or of their containers) adds to the result. */
interface Part {
  acceptedSpans: number;
  ignoredSpans: number;
  rejected: OtlpVerdict['rejected'];
  spans: XSpan[];
}

const newPart = (): Part => ({ acceptedSpans: 0, ignoredSpans: 0, rejected: [], spans: [] });

function walk(body: string | Uint8Array, build: boolean): DecodeResult<OtlpTraces> {
  const r = new Reader(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, build);
  try {
    // A UTF-8 byte order mark is allowed (decoding the body as text would drop it).
    if (r.b[0] === 0xef && r.b[1] === 0xbb && r.b[2] === 0xbf) r.pos = 3;
    ws(r);
    const part = readRequest(r);
    ws(r);
    if (r.pos !== r.b.length) throw r.syntax('unexpected data after the JSON value');
    return { ok: true, value: part };
  } catch (err) {
    if (err instanceof JsonSyntaxError || err instanceof ShapeError)
      return { ok: false, error: `invalid OTLP JSON: ${err.message}` };
    throw err;
  }
}

/**
 * Reads the member name of an object (at its opening quote) and the colon after it; returns its
 * index in `names`, or -1 for any other member. Leaves the reader at the member's value.
 */
function member(r: Reader, names: readonly Uint8Array[]): number {
  const b = r.b;
  if (b[r.pos] !== 0x22) throw r.syntax('expected a member name');
  const start = r.pos + 1;
  scanString(r);
  const end = r.pos - 1;
  ws(r);
  if (b[r.pos] !== 0x3a) throw r.syntax("expected ':'");
  r.pos++;
  ws(r);
  if (r.escaped) {
    const name = r.string(start, end, true);
    return names.findIndex((n) => Buffer.from(n).toString('utf8') === name);
  }
  const length = end - start;
  outer: for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name.length !== length) continue;
    for (let j = 0; j < length; j++) if (b[start + j] !== name[j]) continue outer;
    return i;
  }
  return -1;
}

/** At '{': moves into the object; false when it is empty (and has been read). */
function openObject(r: Reader): boolean {
  r.pos++;
  ws(r);
  if (r.b[r.pos] === 0x7d) {
    r.pos++;
    return false;
  }
  return true;
}

/** After a member's value: true when another member follows, false at the object's end. */
function nextMember(r: Reader): boolean {
  ws(r);
  const c = r.b[r.pos++];
  if (c === 0x2c) {
    ws(r);
    return true;
  }
  if (c === 0x7d) return false;
  r.pos--;
  throw r.syntax("expected ',' or '}'");
}

/** At '[': moves into the array; false when it is empty (and has been read). */
function openArray(r: Reader): boolean {
  r.pos++;
  ws(r);
  if (r.b[r.pos] === 0x5d) {
    r.pos++;
    return false;
  }
  return true;
}

/** After an item: true when another item follows, false at the array's end. */
function nextItem(r: Reader): boolean {
  ws(r);
  const c = r.b[r.pos++];
  if (c === 0x2c) {
    ws(r);
    return true;
  }
  if (c === 0x5d) return false;
  r.pos--;
  throw r.syntax("expected ',' or ']'");
}

/** True (and the literal read) when the value here is null. */
function isNull(r: Reader): boolean {
  if (r.b[r.pos] !== 0x6e) return false;
  literal(r, 'null');
  return true;
}

// The request's outer levels: a problem here fails the whole request. Each list is read into a
// part of its own, kept only if it is the last occurrence of its field.

function readRequest(r: Reader): Part {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    throw new ShapeError('request must be an object');
  }
  let part: Part | Error = newPart();
  if (openObject(r)) {
    do {
      if (member(r, REQUEST) === 0) part = readList(r, 'resourceSpans', readResourceSpans);
      else skipValue(r);
    } while (nextMember(r));
  }
  if (part instanceof Error) throw part;
  return part;
}

/** A list of `item`s; absent or null is empty. A problem is returned, to throw if this list is kept. */
function readList(r: Reader, what: string, item: (r: Reader, into: Part) => Error | undefined): Part | Error {
  if (isNull(r)) return newPart();
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    return new ShapeError(`${what} must be an array`);
  }
  const part = newPart();
  let error: Error | undefined;
  if (openArray(r)) {
    do error ??= item(r, part);
    while (nextItem(r));
  }
  return error ?? part;
}

function merge(into: Part, part: Part): void {
  into.acceptedSpans += part.acceptedSpans;
  into.ignoredSpans += part.ignoredSpans;
  for (const x of part.rejected) into.rejected.push(x);
  for (const s of part.spans) into.spans.push(s);
}

function readResourceSpans(r: Reader, into: Part): Error | undefined {
  return readContainer(r, into, 'resourceSpans item', RESOURCE_SPANS, 'scopeSpans', readScopeSpans);
}

function readScopeSpans(r: Reader, into: Part): Error | undefined {
  return readContainer(r, into, 'scopeSpans item', SCOPE_SPANS, 'spans', readSpan);
}

/** An object whose one field of interest is a list. */
function readContainer(
  r: Reader,
  into: Part,
  what: string,
  names: readonly Uint8Array[],
  list: string,
  item: (r: Reader, into: Part) => Error | undefined
): Error | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    return new ShapeError(`${what} must be an object`);
  }
  let part: Part | Error = newPart();
  if (openObject(r)) {
    do {
      if (member(r, names) === 0) part = readList(r, list, item);
      else skipValue(r);
    } while (nextMember(r));
  }
  if (part instanceof Error) return part;
  merge(into, part);
  return undefined;
}

/** Where the last `xray.span.kind` attribute's value is: -1 none, -2 an attribute without value. */
interface KindTracker {
  at: number;
}

/**
 * One span. Its fields are read in the order they come, each into its slot (a repeated field
 * replaces the slot); problems are judged at the end, in the order the fields are listed in the
 * span's definition, so the first problem named is the same whatever the order on the wire.
 */
function readSpan(r: Reader, into: Part): Error | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    return new ShapeError('span must be an object');
  }
  const build = r.build;
  let traceId = '',
    spanId = '',
    parentSpanId = '',
    name = '',
    start = '0',
    end = '0';
  let nameError: string | undefined, startError: string | undefined, endError: string | undefined;
  let status: XSpan['status'] | undefined, statusError: string | undefined;
  let attributes: Attributes | undefined,
    attributesError: string | undefined,
    attributesListError = false;
  let events: XEvent[] = [],
    eventsError: string | undefined;
  const kind: KindTracker = { at: -1 };
  if (openObject(r)) {
    do {
      switch (member(r, SPAN)) {
        case 0:
          traceId = readHexId(r);
          break;
        case 1:
          spanId = readHexId(r);
          break;
        case 2:
          parentSpanId = readHexId(r);
          break;
        case 3:
          name = readStringField(r, 'span name', build);
          nameError = r.err;
          break;
        case 4:
          start = readTimestamp(r, 'startTimeUnixNano', true);
          startError = r.err;
          break;
        case 5:
          end = readTimestamp(r, 'endTimeUnixNano', build);
          endError = r.err;
          break;
        case 6:
          status = readStatus(r);
          statusError = r.err;
          break;
        case 7: {
          kind.at = -1;
          attributes = build ? newAttributes() : undefined;
          attributesListError = readAttributeList(r, 0, attributes, kind, 'attributes');
          attributesError = r.err;
          break;
        }
        case 8:
          events = readEvents(r);
          eventsError = r.err;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  // `attributes` that is not a list: the request is not OTLP, whatever the span.
  if (attributesListError) return new ShapeError(attributesError);
  if (kind.at === -1) {
    into.ignoredSpans++;
    return undefined;
  }
  let reason = nameError ?? startError ?? endError ?? statusError ?? attributesError ?? eventsError;
  const span: XSpan = {
    traceId,
    spanId,
    parentSpanId,
    name,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: newAttributes(),
    events: [],
    status: status ?? { code: 0, message: '' },
  };
  if (reason === undefined) {
    setAttribute(span.attributes, ATTR_XRAY_SPAN_KIND, kindValue(r, kind.at));
    reason = rejectionReason(span);
  }
  if (reason !== undefined) {
    into.rejected.push({ traceId, spanId, reason });
    return undefined;
  }
  into.acceptedSpans++;
  if (build) {
    span.attributes = attributes ?? newAttributes();
    span.events = events;
    into.spans.push(span);
  }
  return undefined;
}

/** The value of the span's (last) kind attribute, read again there; it was checked already. */
function kindValue(r: Reader, at: number): AttrValue {
  if (at < 0) return null;
  const [pos, build] = [r.pos, r.build];
  r.pos = at;
  r.build = true;
  const value = readAnyValue(r, 1);
  r.pos = pos;
  r.build = build;
  return value;
}

/** A hex id, lowercased; anything else becomes '' and is rejected with the span. */
function readHexId(r: Reader): string {
  if (r.b[r.pos] !== 0x22) {
    skipValue(r);
    return '';
  }
  const value = readString(r, true);
  return HEX_ID.test(value) ? value.toLowerCase() : '';
}

function readStatus(r: Reader): XSpan['status'] | undefined {
  r.err = undefined;
  if (isNull(r)) return undefined;
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.err = 'span status must be an object';
    return undefined;
  }
  const status = { code: 0, message: '' };
  let codeError: string | undefined, messageError: string | undefined;
  if (openObject(r)) {
    do {
      switch (member(r, STATUS)) {
        case 0:
          status.code = readInteger(r, 'status code');
          codeError = r.err;
          break;
        case 1:
          status.message = readStringField(r, 'status message', true);
          messageError = r.err;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  r.err = codeError ?? messageError;
  return status;
}

function readEvents(r: Reader): XEvent[] {
  r.err = undefined;
  const events: XEvent[] = [];
  if (isNull(r)) return events;
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    r.err = 'events must be an array';
    return events;
  }
  let error: string | undefined;
  if (openArray(r)) {
    do {
      const event = readEvent(r);
      error ??= r.err;
      if (event !== undefined) events.push(event);
    } while (nextItem(r));
  }
  r.err = error;
  return events;
}

/** An event (built only when building); its first problem in `r.err`. */
function readEvent(r: Reader): XEvent | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.err = 'event must be an object';
    return undefined;
  }
  const build = r.build;
  let time = '0',
    name = '',
    attributes: Attributes | undefined;
  let timeError: string | undefined, nameError: string | undefined, attributesError: string | undefined;
  if (openObject(r)) {
    do {
      switch (member(r, EVENT)) {
        case 0:
          time = readTimestamp(r, 'timeUnixNano', build);
          timeError = r.err;
          break;
        case 1:
          name = readStringField(r, 'event name', build);
          nameError = r.err;
          break;
        case 2: {
          attributes = build ? newAttributes() : undefined;
          readAttributeList(r, 0, attributes, undefined, 'attributes');
          attributesError = r.err;
          break;
        }
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  r.err = timeError ?? nameError ?? attributesError;
  return build ? { timeUnixNano: time, name, attributes: attributes ?? newAttributes() } : undefined;
}

/**
 * A list of KeyValues into `into` (when building). Returns true when the value is not a list at
 * all; `r.err` then says so, or names the first attribute's problem.
 */
function readAttributeList(
  r: Reader,
  depth: number,
  into: Attributes | undefined,
  kind: KindTracker | undefined,
  what: string
): boolean {
  r.err = undefined;
  if (isNull(r)) return false;
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    r.err = `${what} must be an array`;
    return true;
  }
  let error: string | undefined;
  if (openArray(r)) {
    do {
      readKeyValue(r, depth, into, kind);
      error ??= r.err;
    } while (nextItem(r));
  }
  r.err = error;
  return false;
}

function readKeyValue(r: Reader, depth: number, into: Attributes | undefined, kind: KindTracker | undefined): void {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.err = 'attribute must be an object';
    return;
  }
  if (plainKeyValue(r, depth, into, kind)) return;
  let key = '',
    keyError: string | undefined,
    isKind = false;
  let value: AttrValue = null,
    valueError: string | undefined,
    valueAt = -2;
  if (openObject(r)) {
    do {
      switch (member(r, KEY_VALUE)) {
        case 0: {
          isKind = false;
          keyError = undefined;
          if (r.b[r.pos] === 0x22) {
            const start = r.pos + 1;
            scanString(r);
            isKind = r.escaped
              ? r.string(start, r.pos - 1, true) === ATTR_XRAY_SPAN_KIND
              : equals(r.b, start, r.pos - 1, KIND_KEY);
            key = into !== undefined ? r.string(start, r.pos - 1, r.escaped) : '';
          } else if (isNull(r)) key = '';
          else {
            skipValue(r);
            keyError = 'attribute key must be a string';
          }
          break;
        }
        case 1:
          valueAt = r.pos;
          value = readAnyValue(r, depth + 1);
          valueError = r.err;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  if (isKind && kind !== undefined) kind.at = valueAt;
  // No value at all reads as an empty one, which still counts a level of nesting.
  if (valueAt === -2 && depth + 1 > MAX_ANY_VALUE_DEPTH) valueError = DEPTH_ERROR;
  r.err = keyError ?? valueError;
  if (r.err === undefined && into !== undefined) setAttribute(into, key, value);
}

// The shapes the OpenTelemetry serializers write, read straight when the bytes are exactly those
// (no spaces, these members in this order): `{"key":"…","value":…}`, `{"stringValue":"…"}` and
// `{"doubleValue":<number>}`, most of a body. Anything else is read member by member, from the start.
const KEY_VALUE_START = new TextEncoder().encode('{"key":"');
const VALUE_MEMBER = new TextEncoder().encode(',"value":');
const STRING_VALUE_START = new TextEncoder().encode('{"stringValue":"');
const DOUBLE_VALUE_START = new TextEncoder().encode('{"doubleValue":');

function startsWith(b: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** readKeyValue for `{"key":"…","value":…}`; false (nothing read) for any other shape. */
function plainKeyValue(r: Reader, depth: number, into: Attributes | undefined, kind: KindTracker | undefined): boolean {
  const b = r.b;
  const start = r.pos;
  if (!startsWith(b, start, KEY_VALUE_START)) return false;
  r.pos = start + KEY_VALUE_START.length - 1;
  const keyStart = r.pos + 1;
  scanString(r);
  const keyEnd = r.pos - 1;
  const escaped = r.escaped;
  if (!startsWith(b, r.pos, VALUE_MEMBER)) {
    r.pos = start;
    return false;
  }
  r.pos += VALUE_MEMBER.length;
  ws(r);
  const valueAt = r.pos;
  const value = readAnyValue(r, depth + 1);
  if (b[r.pos] !== 0x7d) {
    r.pos = start;
    return false;
  }
  r.pos++;
  const isKind = escaped
    ? r.string(keyStart, keyEnd, true) === ATTR_XRAY_SPAN_KIND
    : equals(b, keyStart, keyEnd, KIND_KEY);
  if (isKind && kind !== undefined) kind.at = valueAt;
  if (r.err === undefined && into !== undefined) setAttribute(into, r.string(keyStart, keyEnd, escaped), value);
  return true;
}

/** readAnyValue for `{"stringValue":"…"}` and `{"doubleValue":<number>}`; undefined (nothing read) otherwise. */
function plainAnyValue(r: Reader): AttrValue | undefined {
  const b = r.b;
  const start = r.pos;
  if (startsWith(b, start, STRING_VALUE_START)) {
    r.pos = start + STRING_VALUE_START.length - 1;
    const valueStart = r.pos + 1;
    scanString(r);
    if (b[r.pos] === 0x7d) {
      const valueEnd = r.pos - 1;
      r.pos++;
      return r.build ? r.string(valueStart, valueEnd, r.escaped) : '';
    }
  } else if (startsWith(b, start, DOUBLE_VALUE_START) && isNumberStart(b[start + DOUBLE_VALUE_START.length])) {
    r.pos = start + DOUBLE_VALUE_START.length;
    const valueStart = r.pos;
    scanNumber(r);
    if (b[r.pos] === 0x7d) {
      const valueEnd = r.pos;
      r.pos++;
      return r.build ? Number(r.string(valueStart, valueEnd, false)) : 0;
    }
  }
  r.pos = start;
  return undefined;
}

function equals(b: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[start + i] !== bytes[i]) return false;
  return true;
}

/**
 * An AnyValue: the first of its fields that is set (not null) is its value; none is null. Every
 * field present is read as it comes (a repeated one replaces its slot) and judged at the end.
 */
function readAnyValue(r: Reader, depth: number): AttrValue {
  r.err = undefined;
  if (depth > MAX_ANY_VALUE_DEPTH) {
    skipValue(r);
    r.err = DEPTH_ERROR;
    return null;
  }
  if (isNull(r)) return null;
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.err = 'attribute value must be an object';
    return null;
  }
  const plain = plainAnyValue(r);
  if (plain !== undefined) return plain;
  // Slots of this depth (values nest, but one depth is read at a time).
  const base = depth * ANY_FIELDS;
  const values = r.anyValues;
  const errors = r.anyErrors;
  let set = 0; // bit i: field i is present and not null
  if (openObject(r)) {
    do {
      const i = member(r, ANY_VALUE);
      if (i < 0) {
        skipValue(r);
        continue;
      }
      if (isNull(r)) {
        set &= ~(1 << i);
        continue;
      }
      set |= 1 << i;
      values[base + i] = readField(r, i, depth);
      errors[base + i] = r.err;
    } while (nextMember(r));
  }
  if (set === 0) {
    r.err = undefined;
    return null;
  }
  const first = base + (31 - Math.clz32(set & -set));
  r.err = errors[first];
  const value = values[first]!;
  values[first] = null; // let it go: the slots outlive this value
  return value;
}

/** AnyValue field `i` (not null); its problem in `r.err`. */
function readField(r: Reader, i: number, depth: number): AttrValue {
  r.err = undefined;
  const c = r.b[r.pos];
  switch (i) {
    case 0: // stringValue
    case 6: // bytesValue: already base64 in OTLP/JSON
      if (c === 0x22) return readString(r, r.build);
      skipValue(r);
      r.err = i === 0 ? 'stringValue must be a string' : 'bytesValue must be a string';
      return null;
    case 1: // boolValue
      if (c === 0x74) return literal(r, 'true');
      if (c === 0x66) return literal(r, 'false');
      skipValue(r);
      r.err = 'boolValue must be a boolean';
      return null;
    case 2: // intValue
      return readInt64(r);
    case 3: // doubleValue
      return readDouble(r);
    case 4: {
      // arrayValue
      if (c !== 0x7b) {
        skipValue(r);
        r.err = 'arrayValue must be an object';
        return null;
      }
      let items: AttrValue[] = [],
        error: string | undefined;
      if (openObject(r)) {
        do {
          if (member(r, VALUES) !== 0) {
            skipValue(r);
            continue;
          }
          items = [];
          error = undefined;
          if (isNull(r)) continue;
          if (r.b[r.pos] !== 0x5b) {
            skipValue(r);
            error = 'values must be an array';
            continue;
          }
          if (openArray(r)) {
            do {
              const item = readAnyValue(r, depth + 1);
              error ??= r.err;
              if (r.build) items.push(item);
            } while (nextItem(r));
          }
        } while (nextMember(r));
      }
      r.err = error;
      return items;
    }
    default: {
      // kvlistValue
      if (c !== 0x7b) {
        skipValue(r);
        r.err = 'kvlistValue must be an object';
        return null;
      }
      let map = r.build ? newAttributes() : undefined,
        error: string | undefined;
      if (openObject(r)) {
        do {
          if (member(r, VALUES) !== 0) {
            skipValue(r);
            continue;
          }
          map = r.build ? newAttributes() : undefined;
          readAttributeList(r, depth, map, undefined, 'values');
          error = r.err;
        } while (nextMember(r));
      }
      r.err = error;
      return map ?? null;
    }
  }
}

/** A string field; absent or null is ''. Built only when `need`. */
function readStringField(r: Reader, what: string, need: boolean): string {
  r.err = undefined;
  if (r.b[r.pos] === 0x22) return readString(r, need);
  if (isNull(r)) return '';
  skipValue(r);
  r.err = `${what} must be a string`;
  return '';
}

/** The string here (at its quote); '' when not `need`ed (it is still checked). */
function readString(r: Reader, need: boolean): string {
  const start = r.pos + 1;
  scanString(r);
  return need ? r.string(start, r.pos - 1, r.escaped) : '';
}

/**
 * A number's digits, when it is an integer of 16 or more digits: kept as text (as if quoted), since
 * a double cannot hold them. Otherwise undefined, and the number is read as JSON.parse reads it.
 */
function bigInteger(r: Reader, start: number, integer: boolean): string | undefined {
  const digits = r.pos - start - (r.b[start] === 0x2d ? 1 : 0);
  return integer && digits >= 16 ? r.string(start, r.pos, false) : undefined;
}

/** A uint64 nanosecond timestamp given as a string or a number; absent or null is '0'. */
function readTimestamp(r: Reader, what: string, need: boolean): string {
  r.err = undefined;
  const b = r.b;
  const c = b[r.pos];
  let text: string | undefined;
  if (c === 0x22) {
    const start = r.pos + 1;
    scanString(r);
    const end = r.pos - 1;
    if (!r.escaped && isCanonicalBelow2e63(b, start, end)) return need ? r.string(start, end, false) : '';
    text = r.string(start, end, r.escaped);
  } else if (isNumberStart(c)) {
    const start = r.pos;
    const integer = scanNumber(r);
    text = bigInteger(r, start, integer);
    if (text === undefined) {
      const n = Number(r.string(start, r.pos, false));
      if (Number.isSafeInteger(n) && n >= 0) return String(n);
    }
  } else if (isNull(r)) return '0';
  else skipValue(r);
  if (text !== undefined && CANONICAL_BELOW_2_63.test(text)) return text;
  if (text !== undefined && UINT64.test(text)) {
    const n = BigInt(text);
    if (n <= MAX_UINT64) return n.toString(); // canonical form, as the protobuf decoder gives
  }
  r.err = `${what} must be an unsigned 64-bit integer, as a string or a number`;
  return '0';
}

/** Digits only, no leading zero, at most 19: below 2^63, valid as it is. */
function isCanonicalBelow2e63(b: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 19 || (b[start] === 0x30 && length > 1)) return false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** int64: a number when safe, else its decimal string (as the protobuf decoder gives). */
function readInt64(r: Reader): number | string {
  const c = r.b[r.pos];
  let text: string | undefined;
  if (isNumberStart(c)) {
    const start = r.pos;
    const integer = scanNumber(r);
    text = bigInteger(r, start, integer);
    if (text === undefined) {
      const n = Number(r.string(start, r.pos, false));
      if (Number.isSafeInteger(n)) return n;
    }
  } else if (c === 0x22) text = readString(r, true);
  else skipValue(r);
  if (text !== undefined && INT64.test(text)) {
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) {
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    }
  }
  r.err = 'intValue must be a 64-bit integer, as a string or a number';
  return 0;
}

/** A double, or one of the strings protobuf JSON uses for non-finite values. */
function readDouble(r: Reader): number | string {
  const c = r.b[r.pos];
  if (isNumberStart(c)) {
    const start = r.pos;
    scanNumber(r);
    return r.build ? Number(r.string(start, r.pos, false)) : 0;
  }
  if (c === 0x22) {
    const value = readString(r, true);
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return doubleValue(Number(value));
  } else skipValue(r);
  r.err = 'doubleValue must be a number';
  return 0;
}

/** An integer (status code); absent or null is 0. */
function readInteger(r: Reader, what: string): number {
  r.err = undefined;
  const c = r.b[r.pos];
  if (isNumberStart(c)) {
    const start = r.pos;
    scanNumber(r);
    const n = Number(r.string(start, r.pos, false));
    if (Number.isInteger(n)) return n;
  } else if (isNull(r)) return 0;
  else skipValue(r);
  r.err = `${what} must be an integer`;
  return 0;
}

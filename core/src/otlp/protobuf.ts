/**
 * OTLP/protobuf `ExportTraceServiceRequest` -> X-Ray spans. Field numbers are those of
 * opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto). Fields are matched on the
 * whole tag (field number and wire type), so a known field sent with the wrong wire type is skipped
 * like an unknown one, never misread.
 */
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { DecodeResult } from './result.js';
import type { AttrValue, Attributes, XEvent, XSpan } from '../model/span.js';
import {
  MAX_ANY_VALUE_DEPTH,
  SpanRejectedError,
  rejectionReason,
  type OtlpTraces,
  type OtlpVerdict,
} from './verdict.js';
import { doubleValue, newAttributes, setAttribute } from './attributes.js';
import { ProtoError, ProtoReader } from './reader.js';

// Tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const T_RESOURCE_SPANS = (1 << 3) | 2;
const T_SCOPE_SPANS = (2 << 3) | 2;
const T_SPANS = (2 << 3) | 2;
const T_SPAN_TRACE_ID = (1 << 3) | 2;
const T_SPAN_SPAN_ID = (2 << 3) | 2;
const T_SPAN_PARENT_ID = (4 << 3) | 2;
const T_SPAN_NAME = (5 << 3) | 2;
const T_SPAN_START = (7 << 3) | 1;
const T_SPAN_END = (8 << 3) | 1;
const T_SPAN_ATTRIBUTE = (9 << 3) | 2;
const T_SPAN_EVENT = (11 << 3) | 2;
const T_SPAN_STATUS = (15 << 3) | 2;
const T_EVENT_TIME = (1 << 3) | 1;
const T_EVENT_NAME = (2 << 3) | 2;
const T_EVENT_ATTRIBUTE = (3 << 3) | 2;
const T_STATUS_MESSAGE = (2 << 3) | 2;
const T_STATUS_CODE = (3 << 3) | 0;
const T_KV_KEY = (1 << 3) | 2;
const T_KV_VALUE = (2 << 3) | 2;
const T_ANY_STRING = (1 << 3) | 2;
const T_ANY_BOOL = (2 << 3) | 0;
const T_ANY_INT = (3 << 3) | 0;
const T_ANY_DOUBLE = (4 << 3) | 1;
const T_ANY_ARRAY = (5 << 3) | 2;
const T_ANY_KVLIST = (6 << 3) | 2;
const T_ANY_BYTES = (7 << 3) | 2;
const T_LIST_VALUES = (1 << 3) | 2; // ArrayValue.values and KeyValueList.values

const KIND_KEY = new TextEncoder().encode(ATTR_XRAY_SPAN_KIND);

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
    const message = err instanceof ProtoError ? err.message : String(err);
    return { ok: false, error: `invalid OTLP protobuf at byte ${r.pos}: ${message}` };
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

/**
 * First pass: note where each field is without building anything, and which attribute (the last
 * one) is `xray.span.kind`. Only X-Ray spans are then checked; other spans cost a scan. The check
 * walks every nested message without building it, and throws exactly where building would; only
 * an accepted span is built, when `spans` is given.
 */
function readSpan(r: ProtoReader, end: number, out: OtlpVerdict, spans: XSpan[] | undefined): void {
  let traceId = -1,
    traceIdEnd = -1,
    spanId = -1,
    spanIdEnd = -1,
    parentId = -1,
    parentIdEnd = -1;
  let name = -1,
    nameEnd = -1,
    start = -1,
    finish = -1,
    status = -1,
    statusEnd = -1;
  const attributes: number[] = []; // [start, end, start, end, ...]
  const events: number[] = [];
  let kindAt = -1; // index in `attributes` of the last xray.span.kind attribute
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case T_SPAN_TRACE_ID:
        traceIdEnd = r.delimited(end);
        traceId = r.pos;
        r.pos = traceIdEnd;
        break;
      case T_SPAN_SPAN_ID:
        spanIdEnd = r.delimited(end);
        spanId = r.pos;
        r.pos = spanIdEnd;
        break;
      case T_SPAN_PARENT_ID:
        parentIdEnd = r.delimited(end);
        parentId = r.pos;
        r.pos = parentIdEnd;
        break;
      case T_SPAN_NAME:
        nameEnd = r.delimited(end);
        name = r.pos;
        r.pos = nameEnd;
        break;
      case T_SPAN_START:
        start = r.fixed(8);
        break;
      case T_SPAN_END:
        finish = r.fixed(8);
        break;
      case T_SPAN_STATUS:
        statusEnd = r.delimited(end);
        status = r.pos;
        r.pos = statusEnd;
        break;
      case T_SPAN_ATTRIBUTE:
      case T_SPAN_EVENT: {
        const fieldEnd = r.delimited(end);
        if (tag === T_SPAN_EVENT) events.push(r.pos, fieldEnd);
        else {
          if (hasKindKey(r, fieldEnd)) kindAt = attributes.length;
          attributes.push(r.pos, fieldEnd);
        }
        r.pos = fieldEnd;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  if (kindAt < 0) {
    out.ignoredSpans++;
    return;
  }
  // What rejectionReason() looks at: ids, start time and the kind; the rest is checked below.
  const header: XSpan = {
    traceId: traceId < 0 ? '' : r.hex(traceId, traceIdEnd),
    spanId: spanId < 0 ? '' : r.hex(spanId, spanIdEnd),
    parentSpanId: parentId < 0 ? '' : r.hex(parentId, parentIdEnd),
    name: '',
    startTimeUnixNano: start < 0 ? '0' : r.fixed64String(start),
    endTimeUnixNano: '0',
    attributes: newAttributes(),
    events: [],
    status: { code: 0, message: '' },
  };
  let reason: string | undefined;
  try {
    // The order of building (name, attributes, events, status), so the first problem is the same.
    for (let i = 0; i < attributes.length; i += 2) checkKeyValue(r, attributes[i]!, attributes[i + 1]!, 0);
    for (let i = 0; i < events.length; i += 2) checkEvent(r, events[i]!, events[i + 1]!);
    if (status >= 0) checkFields(r, status, statusEnd);
    readKeyValue(r, attributes[kindAt]!, attributes[kindAt + 1]!, header.attributes, 0);
    reason = rejectionReason(header);
  } catch (err) {
    if (!(err instanceof SpanRejectedError)) throw err;
    reason = err.message;
  }
  r.pos = end;
  if (reason !== undefined) {
    out.rejected.push({ traceId: header.traceId, spanId: header.spanId, reason });
    return;
  }
  out.acceptedSpans++;
  if (spans === undefined) return;
  // Checked above: building cannot fail from here.
  const span = header;
  span.attributes = newAttributes();
  if (finish >= 0) span.endTimeUnixNano = r.fixed64String(finish);
  if (name >= 0) {
    r.pos = name;
    span.name = r.string(nameEnd);
  }
  for (let i = 0; i < attributes.length; i += 2)
    readKeyValue(r, attributes[i]!, attributes[i + 1]!, span.attributes, 0);
  for (let i = 0; i < events.length; i += 2) span.events.push(readEvent(r, events[i]!, events[i + 1]!));
  if (status >= 0) readStatus(r, status, statusEnd, span.status);
  r.pos = end;
  spans.push(span);
}

// Checks: the same walk as the readers below, field by field, building nothing. Each throws the
// ProtoError (malformed) or SpanRejectedError (too deep) that its reader would throw. They are the
// receiver's whole cost per decision, so the common one-byte tags and lengths are read inline and
// anything else goes through the reader.

/** Checks the Event in [start, end); see readEvent. */
function checkEvent(r: ProtoReader, start: number, end: number): void {
  const b = r.buf;
  let pos = start;
  while (pos < end) {
    const tag = b[pos]!;
    if (tag === T_EVENT_ATTRIBUTE || tag === T_EVENT_NAME) {
      const n = b[pos + 1]!;
      let valueStart: number, valueEnd: number;
      if (n < 0x80) {
        valueStart = pos + 2;
        valueEnd = valueStart + n;
        if (valueEnd > end) throw new ProtoError('length-delimited field overruns its message');
      } else {
        r.pos = pos + 1;
        valueEnd = r.delimited(end);
        valueStart = r.pos;
      }
      if (tag === T_EVENT_ATTRIBUTE) checkKeyValue(r, valueStart, valueEnd, 0);
      pos = valueEnd;
    } else if (tag === T_EVENT_TIME) {
      pos += 9; // fixed64; past the end is caught below, as reading it would be
    } else {
      r.pos = pos;
      r.skip(r.tag(), end);
      pos = r.pos;
    }
  }
  if (pos !== end) throw new ProtoError('field overruns its message');
}

/** Checks a message in [start, end) whose fields are all scalars or strings (Status). */
function checkFields(r: ProtoReader, start: number, end: number): void {
  r.pos = start;
  while (r.pos < end) r.skip(r.tag(), end);
  r.expectEnd(end);
}

/** Checks the KeyValue in [start, end); see readKeyValue. */
function checkKeyValue(r: ProtoReader, start: number, end: number, depth: number): void {
  const b = r.buf;
  let pos = start;
  while (pos < end) {
    const tag = b[pos]!;
    if (tag === T_KV_KEY || tag === T_KV_VALUE) {
      const n = b[pos + 1]!;
      let valueStart: number, valueEnd: number;
      if (n < 0x80) {
        valueStart = pos + 2;
        valueEnd = valueStart + n;
        if (valueEnd > end) throw new ProtoError('length-delimited field overruns its message');
      } else {
        r.pos = pos + 1;
        valueEnd = r.delimited(end);
        valueStart = r.pos;
      }
      if (tag === T_KV_VALUE && (depth >= MAX_ANY_VALUE_DEPTH || !isPlainValue(b, valueStart, valueEnd)))
        checkAnyValue(r, valueStart, valueEnd, depth + 1);
      pos = valueEnd;
    } else {
      r.pos = pos;
      r.skip(r.tag(), end);
      pos = r.pos;
    }
  }
  if (pos !== end) throw new ProtoError('field overruns its message');
}

/** True when the AnyValue in [start, end) is exactly one short string or one double: valid as it is. */
function isPlainValue(b: Uint8Array, start: number, end: number): boolean {
  const tag = b[start];
  return (
    (tag === T_ANY_STRING && b[start + 1]! < 0x80 && start + 2 + b[start + 1]! === end) ||
    (tag === T_ANY_DOUBLE && start + 9 === end)
  );
}

/** Checks the AnyValue in [start, end); see readAnyValue. */
function checkAnyValue(r: ProtoReader, start: number, end: number, depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new SpanRejectedError(`attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  const b = r.buf;
  let pos = start;
  while (pos < end) {
    const tag = b[pos]!;
    if (tag === T_ANY_STRING && b[pos + 1]! < 0x80) {
      pos += 2 + b[pos + 1]!;
      if (pos > end) throw new ProtoError('length-delimited field overruns its message');
      continue;
    }
    r.pos = pos;
    if (tag !== T_ANY_ARRAY && tag !== T_ANY_KVLIST) {
      r.skip(r.tag(), end);
      pos = r.pos;
      continue;
    }
    r.pos++;
    const listEnd = r.delimited(end);
    while (r.pos < listEnd) {
      const itemTag = r.tag();
      if (itemTag !== T_LIST_VALUES) {
        r.skip(itemTag, listEnd);
        continue;
      }
      const itemEnd = r.delimited(listEnd);
      if (tag === T_ANY_ARRAY) checkAnyValue(r, r.pos, itemEnd, depth + 1);
      else checkKeyValue(r, r.pos, itemEnd, depth);
      r.pos = itemEnd;
    }
    r.expectEnd(listEnd);
    pos = listEnd;
  }
  if (pos !== end) throw new ProtoError('field overruns its message');
}

/** True when the KeyValue in [start, end) has the key `xray.span.kind`; the reader is left at `start`. */
function hasKindKey(r: ProtoReader, end: number): boolean {
  const start = r.pos;
  let found = false;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag !== T_KV_KEY) {
      r.skip(tag, end);
      continue;
    }
    const keyEnd = r.delimited(end);
    found = r.equals(r.pos, keyEnd, KIND_KEY);
    r.pos = keyEnd;
  }
  r.pos = start;
  return found;
}

function readEvent(r: ProtoReader, start: number, end: number): XEvent {
  const event: XEvent = { timeUnixNano: '0', name: '', attributes: newAttributes() };
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_EVENT_TIME) event.timeUnixNano = r.fixed64String(r.fixed(8));
    else if (tag === T_EVENT_NAME) event.name = r.string(r.delimited(end));
    else if (tag === T_EVENT_ATTRIBUTE) {
      const kvEnd = r.delimited(end);
      readKeyValue(r, r.pos, kvEnd, event.attributes, 0);
    } else r.skip(tag, end);
  }
  r.expectEnd(end);
  return event;
}

function readStatus(r: ProtoReader, start: number, end: number, status: XSpan['status']): void {
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_STATUS_MESSAGE) status.message = r.string(r.delimited(end));
    else if (tag === T_STATUS_CODE) status.code = r.uint32() | 0;
    else r.skip(tag, end);
  }
  r.expectEnd(end);
}

/** Reads the KeyValue in [start, end) into `into`; the reader ends at `end`. */
function readKeyValue(r: ProtoReader, start: number, end: number, into: Attributes, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_KV_KEY) key = r.string(r.delimited(end));
    else if (tag === T_KV_VALUE) value = readAnyValue(r, r.delimited(end), depth + 1);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  setAttribute(into, key, value);
}

/** Reads the AnyValue ending at `end`; an empty AnyValue is null. */
function readAnyValue(r: ProtoReader, end: number, depth: number): AttrValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new SpanRejectedError(`attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case T_ANY_STRING:
        value = r.string(r.delimited(end));
        break;
      case T_ANY_BOOL:
        r.varint64();
        value = r.lo !== 0 || r.hi !== 0;
        break;
      case T_ANY_INT:
        value = r.int64();
        break;
      case T_ANY_DOUBLE:
        value = doubleValue(r.double());
        break;
      case T_ANY_BYTES:
        value = r.base64(r.delimited(end));
        break;
      case T_ANY_ARRAY: {
        const listEnd = r.delimited(end);
        const items: AttrValue[] = [];
        while (r.pos < listEnd) {
          const itemTag = r.tag();
          if (itemTag === T_LIST_VALUES) items.push(readAnyValue(r, r.delimited(listEnd), depth + 1));
          else r.skip(itemTag, listEnd);
        }
        r.expectEnd(listEnd);
        value = items;
        break;
      }
      case T_ANY_KVLIST: {
        const listEnd = r.delimited(end);
        const map = newAttributes();
        while (r.pos < listEnd) {
          const itemTag = r.tag();
          if (itemTag !== T_LIST_VALUES) {
            r.skip(itemTag, listEnd);
            continue;
          }
          const kvEnd = r.delimited(listEnd);
          readKeyValue(r, r.pos, kvEnd, map, depth);
        }
        r.expectEnd(listEnd);
        value = map;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return value;
}

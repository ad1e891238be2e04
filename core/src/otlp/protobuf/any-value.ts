/**
 * OTLP/protobuf KeyValues and the AnyValues in them (common/v1/common.proto), checked without
 * building (the receiver's path) and built (the processor's), side by side: each check walks the
 * same fields as its reader and reaches the same problem at the same place, a MalformedOtlpError
 * thrown for malformed bytes or the span's problem in `r.problem` for a value nested too deep,
 * after which every check returns at once (../problems.ts). The checks are the receiver's whole
 * cost per decision, so the common one-byte tags and lengths are read inline and anything else
 * goes through the wire reader.
 */
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { AttrValue, Attributes } from '../../model/span.js';
import { doubleValue, newAttributes, setAttribute } from '../attributes.js';
import { MalformedOtlpError } from '../problems.js';
import { DEPTH_PROBLEM, MAX_ANY_VALUE_DEPTH } from '../verdict.js';
import type { ProtoReader } from './wire.js';

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

/** True when the KeyValue in [pos, end) has the key `xray.span.kind`; the reader is left where it was. */
export function hasKindKey(r: ProtoReader, end: number): boolean {
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

/** Checks the KeyValue in [start, end); see {@link readKeyValue}. */
export function checkKeyValue(r: ProtoReader, start: number, end: number, depth: number): void {
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
        if (valueEnd > end) throw new MalformedOtlpError('length-delimited field overruns its message');
      } else {
        r.pos = pos + 1;
        valueEnd = r.delimited(end);
        valueStart = r.pos;
      }
      if (tag === T_KV_VALUE && (depth >= MAX_ANY_VALUE_DEPTH || !isPlainValue(b, valueStart, valueEnd))) {
        checkAnyValue(r, valueStart, valueEnd, depth + 1);
        if (r.problem !== undefined) return;
      }
      pos = valueEnd;
    } else {
      r.pos = pos;
      r.skip(r.tag(), end);
      pos = r.pos;
    }
  }
  if (pos !== end) throw new MalformedOtlpError('field overruns its message');
}

/** True when the AnyValue in [start, end) is exactly one short string or one double: valid as it is. */
function isPlainValue(b: Uint8Array, start: number, end: number): boolean {
  const tag = b[start];
  return (
    (tag === T_ANY_STRING && b[start + 1]! < 0x80 && start + 2 + b[start + 1]! === end) ||
    (tag === T_ANY_DOUBLE && start + 9 === end)
  );
}

/** Checks the AnyValue in [start, end); see {@link readAnyValue}. */
function checkAnyValue(r: ProtoReader, start: number, end: number, depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    r.problem = DEPTH_PROBLEM;
    return;
  }
  const b = r.buf;
  let pos = start;
  while (pos < end) {
    const tag = b[pos]!;
    if (tag === T_ANY_STRING && b[pos + 1]! < 0x80) {
      pos += 2 + b[pos + 1]!;
      if (pos > end) throw new MalformedOtlpError('length-delimited field overruns its message');
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
      if (r.problem !== undefined) return;
      r.pos = itemEnd;
    }
    r.expectEnd(listEnd);
    pos = listEnd;
  }
  if (pos !== end) throw new MalformedOtlpError('field overruns its message');
}

/** Reads the KeyValue in [start, end) into `into`; the reader ends at `end`. */
export function readKeyValue(r: ProtoReader, start: number, end: number, into: Attributes, depth: number): void {
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

/**
 * Reads the AnyValue ending at `end`; an empty AnyValue is null. Run on checked bytes, it finds no
 * problem; one nested too deep is still the span's problem and reads as null, so that hostile
 * input never recurses without bound.
 */
function readAnyValue(r: ProtoReader, end: number, depth: number): AttrValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    r.problem = DEPTH_PROBLEM;
    r.pos = end;
    return null;
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
      case T_ANY_ARRAY:
        value = readArray(r, r.delimited(end), depth);
        break;
      case T_ANY_KVLIST:
        value = readKeyValueList(r, r.delimited(end), depth);
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return value;
}

/** Reads the ArrayValue ending at `end`, inside an AnyValue at `depth`. */
function readArray(r: ProtoReader, end: number, depth: number): AttrValue[] {
  const items: AttrValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_LIST_VALUES) items.push(readAnyValue(r, r.delimited(end), depth + 1));
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return items;
}

/** Reads the KeyValueList ending at `end`, inside an AnyValue at `depth`. */
function readKeyValueList(r: ProtoReader, end: number, depth: number): Attributes {
  const map = newAttributes();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag !== T_LIST_VALUES) {
      r.skip(tag, end);
      continue;
    }
    const kvEnd = r.delimited(end);
    readKeyValue(r, r.pos, kvEnd, map, depth);
  }
  r.expectEnd(end);
  return map;
}

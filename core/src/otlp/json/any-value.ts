/**
 * OTLP/JSON attributes: lists of KeyValues and the AnyValues in them. They nest in each other
 * (a kvlistValue is a list of KeyValues), so they are read here together. A problem is the span's,
 * in `r.problem` (../problems.ts): what the caller keeps is the first problem of the list.
 */
import type { AttrValue, Attributes } from '../../model/span.js';
import { newAttributes, setAttribute } from '../attributes.js';
import { DEPTH_PROBLEM, MAX_ANY_VALUE_DEPTH } from '../verdict.js';
import { isNull, member, nextItem, nextMember, openArray, openObject } from './cursor.js';
import { ANY_VALUE, KEY_VALUE, VALUES } from './fields.js';
import { scanString, skipValue } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';
import { readBoolValue, readDouble, readInt64, readStringValue } from './scalars.js';
import { PLAIN_KEY_OFFSET, isKindKey, plainAnyValue, plainKeyEnd } from './shapes.js';

/** Where the last `xray.span.kind` attribute's value is: -1 none, -2 an attribute without value. */
export interface KindTracker {
  at: number;
}

/**
 * A list of KeyValues into `into` (when building). Returns true when the value is not a list at
 * all; `r.problem` then says so, or names the first attribute's problem.
 */
export function readAttributeList(
  r: OtlpJsonReader,
  depth: number,
  into: Attributes | undefined,
  kind: KindTracker | undefined,
  what: string
): boolean {
  r.problem = undefined;
  if (isNull(r)) return false;
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    r.problem = `${what} must be an array`;
    return true;
  }
  let problem: string | undefined;
  if (openArray(r)) {
    do {
      readKeyValue(r, depth, into, kind);
      problem ??= r.problem;
    } while (nextItem(r));
  }
  r.problem = problem;
  return false;
}

function readKeyValue(r: OtlpJsonReader, depth: number, into: Attributes | undefined, kind?: KindTracker): void {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'attribute must be an object';
    return;
  }
  if (plainKeyValue(r, depth, into, kind)) return;
  let key = '',
    keyProblem: string | undefined,
    isKind = false;
  let value: AttrValue = null,
    valueProblem: string | undefined,
    valueAt = -2;
  if (openObject(r)) {
    do {
      switch (member(r, KEY_VALUE)) {
        case 0: {
          isKind = false;
          keyProblem = undefined;
          if (r.b[r.pos] === 0x22) {
            const start = r.pos + 1;
            scanString(r);
            isKind = isKindKey(r, start, r.pos - 1, r.escaped);
            key = into !== undefined ? r.string(start, r.pos - 1, r.escaped) : '';
          } else if (isNull(r)) key = '';
          else {
            skipValue(r);
            keyProblem = 'attribute key must be a string';
          }
          break;
        }
        case 1:
          valueAt = r.pos;
          value = readAnyValue(r, depth + 1);
          valueProblem = r.problem;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  if (isKind && kind !== undefined) kind.at = valueAt;
  // No value at all reads as an empty one, which still counts a level of nesting.
  if (valueAt === -2 && depth + 1 > MAX_ANY_VALUE_DEPTH) valueProblem = DEPTH_PROBLEM;
  r.problem = keyProblem ?? valueProblem;
  if (r.problem === undefined && into !== undefined) setAttribute(into, key, value);
}

/** readKeyValue for `{"key":"…","value":…}` (shapes.ts); false (nothing read) for any other shape. */
function plainKeyValue(r: OtlpJsonReader, depth: number, into: Attributes | undefined, kind?: KindTracker): boolean {
  const start = r.pos;
  const keyEnd = plainKeyEnd(r);
  if (keyEnd < 0) return false;
  const keyStart = start + PLAIN_KEY_OFFSET;
  const escaped = r.escaped;
  const valueAt = r.pos;
  const value = readAnyValue(r, depth + 1);
  if (r.b[r.pos] !== 0x7d) {
    r.pos = start;
    return false;
  }
  r.pos++;
  if (isKindKey(r, keyStart, keyEnd, escaped) && kind !== undefined) kind.at = valueAt;
  if (r.problem === undefined && into !== undefined) setAttribute(into, r.string(keyStart, keyEnd, escaped), value);
  return true;
}

/**
 * An AnyValue: the first of its fields that is set (not null) is its value; none is null. Every
 * field present is read as it comes (a repeated one replaces its slot) and judged at the end.
 */
export function readAnyValue(r: OtlpJsonReader, depth: number): AttrValue {
  r.problem = undefined;
  if (depth > MAX_ANY_VALUE_DEPTH) {
    skipValue(r);
    r.problem = DEPTH_PROBLEM;
    return null;
  }
  if (isNull(r)) return null;
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'attribute value must be an object';
    return null;
  }
  const plain = plainAnyValue(r);
  if (plain !== undefined) return plain;
  // Slots of this depth (values nest, but one depth is read at a time).
  const base = depth * ANY_VALUE.length;
  const values = r.anyValues;
  const problems = r.anyProblems;
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
      problems[base + i] = r.problem;
    } while (nextMember(r));
  }
  if (set === 0) {
    r.problem = undefined;
    return null;
  }
  const first = base + (31 - Math.clz32(set & -set));
  r.problem = problems[first];
  const value = values[first]!;
  values[first] = null; // let it go: the slots outlive this value
  return value;
}

/** AnyValue field `i` of {@link ANY_VALUE} (not null); its problem in `r.problem`. */
function readField(r: OtlpJsonReader, i: number, depth: number): AttrValue {
  switch (i) {
    case 0:
      return readStringValue(r, 'stringValue must be a string');
    case 1:
      return readBoolValue(r);
    case 2:
      return readInt64(r);
    case 3:
      return readDouble(r);
    case 4:
      return readArrayValue(r, depth);
    case 5:
      return readKvlistValue(r, depth);
    default: // bytesValue: already base64 in OTLP/JSON
      return readStringValue(r, 'bytesValue must be a string');
  }
}

/** An arrayValue (not null) inside an AnyValue at `depth`. */
function readArrayValue(r: OtlpJsonReader, depth: number): AttrValue {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'arrayValue must be an object';
    return null;
  }
  let items: AttrValue[] = [],
    problem: string | undefined;
  if (openObject(r)) {
    do {
      if (member(r, VALUES) !== 0) {
        skipValue(r);
        continue;
      }
      items = [];
      problem = undefined;
      if (isNull(r)) continue;
      if (r.b[r.pos] !== 0x5b) {
        skipValue(r);
        problem = 'values must be an array';
        continue;
      }
      if (openArray(r)) {
        do {
          const item = readAnyValue(r, depth + 1);
          problem ??= r.problem;
          if (r.build) items.push(item);
        } while (nextItem(r));
      }
    } while (nextMember(r));
  }
  r.problem = problem;
  return items;
}

/** A kvlistValue (not null) inside an AnyValue at `depth`. */
function readKvlistValue(r: OtlpJsonReader, depth: number): AttrValue {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'kvlistValue must be an object';
    return null;
  }
  let map = r.build ? newAttributes() : undefined,
    problem: string | undefined;
  if (openObject(r)) {
    do {
      if (member(r, VALUES) !== 0) {
        skipValue(r);
        continue;
      }
      map = r.build ? newAttributes() : undefined;
      readAttributeList(r, depth, map, undefined, 'values');
      problem = r.problem;
    } while (nextMember(r));
  }
  r.problem = problem;
  return map ?? null;
}

/**
 * OTLP/JSON scalar fields: strings, booleans, hex ids, uint64 timestamps, int64, doubles, integers. 64-bit
 * integers may be strings or numbers; those of 16 or more digits keep every digit (JSON.parse would
 * round them to doubles). A value of the wrong type is the span's problem, in `r.problem`
 * (../problems.ts), and reads as a neutral value.
 */
import { doubleValue } from '../attributes.js';
import { isNull } from './cursor.js';
import { isNumberStart, literal, scanNumber, scanString, skipValue } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';

const HEX_ID = /^[0-9a-fA-F]*$/;
const UINT64 = /^\d{1,20}$/;
const CANONICAL_BELOW_2_63 = /^(?:0|[1-9]\d{0,18})$/; // needs no BigInt to check or normalise
const INT64 = /^-?\d{1,19}$/;
const MAX_UINT64 = 2n ** 64n - 1n;

/** A string field; absent or null is ''. Built only when `need`. */
export function readStringField(r: OtlpJsonReader, what: string, need: boolean): string {
  r.problem = undefined;
  if (r.b[r.pos] === 0x22) return readString(r, need);
  if (isNull(r)) return '';
  skipValue(r);
  r.problem = `${what} must be a string`;
  return '';
}

/** The string here (at its quote); '' when not `need`ed (it is still checked). */
export function readString(r: OtlpJsonReader, need: boolean): string {
  const start = r.pos + 1;
  scanString(r);
  return need ? r.string(start, r.pos - 1, r.escaped) : '';
}

/** An AnyValue string field (not null): stringValue, or bytesValue (already base64 in OTLP/JSON). */
export function readStringValue(r: OtlpJsonReader, problem: string): string | null {
  r.problem = undefined;
  if (r.b[r.pos] === 0x22) return readString(r, r.build);
  skipValue(r);
  r.problem = problem;
  return null;
}

/** An AnyValue boolValue (not null). */
export function readBoolValue(r: OtlpJsonReader): boolean | null {
  r.problem = undefined;
  const c = r.b[r.pos];
  if (c === 0x74) return literal(r, 'true');
  if (c === 0x66) return literal(r, 'false');
  skipValue(r);
  r.problem = 'boolValue must be a boolean';
  return null;
}

/** A hex id, lowercased; anything else becomes '' and is rejected with the span. */
export function readHexId(r: OtlpJsonReader): string {
  if (r.b[r.pos] !== 0x22) {
    skipValue(r);
    return '';
  }
  const value = readString(r, true);
  return HEX_ID.test(value) ? value.toLowerCase() : '';
}

/**
 * A number's digits, when it is an integer of 16 or more digits: kept as text (as if quoted), since
 * a double cannot hold them. Otherwise undefined, and the number is read as JSON.parse reads it.
 */
function bigInteger(r: OtlpJsonReader, start: number, integer: boolean): string | undefined {
  const digits = r.pos - start - (r.b[start] === 0x2d ? 1 : 0);
  return integer && digits >= 16 ? r.string(start, r.pos, false) : undefined;
}

/** A uint64 nanosecond timestamp given as a string or a number; absent or null is '0'. */
export function readTimestamp(r: OtlpJsonReader, what: string, need: boolean): string {
  r.problem = undefined;
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
  r.problem = `${what} must be an unsigned 64-bit integer, as a string or a number`;
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
export function readInt64(r: OtlpJsonReader): number | string {
  r.problem = undefined;
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
  r.problem = 'intValue must be a 64-bit integer, as a string or a number';
  return 0;
}

/** A double, or one of the strings protobuf JSON uses for non-finite values. */
export function readDouble(r: OtlpJsonReader): number | string {
  r.problem = undefined;
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
  r.problem = 'doubleValue must be a number';
  return 0;
}

/** An integer (status code); absent or null is 0. */
export function readInteger(r: OtlpJsonReader, what: string): number {
  r.problem = undefined;
  const c = r.b[r.pos];
  if (isNumberStart(c)) {
    const start = r.pos;
    scanNumber(r);
    const n = Number(r.string(start, r.pos, false));
    if (Number.isInteger(n)) return n;
  } else if (isNull(r)) return 0;
  else skipValue(r);
  r.problem = `${what} must be an integer`;
  return 0;
}

/**
 * Moving through JSON objects and arrays on top of the lexer (lexer.ts): the steps every OTLP/JSON
 * reader takes. Member names are matched as bytes against each message's field list, without
 * building strings. Bad syntax throws a MalformedOtlpError, as in the lexer.
 */
import { Buffer } from 'node:buffer';
import { literal, scanString, ws, type JsonLexer } from './lexer.js';

/**
 * Reads the member name of an object (at its opening quote) and the colon after it; returns its
 * index in `names`, or -1 for any other member. Leaves the reader at the member's value.
 */
export function member(r: JsonLexer, names: readonly Uint8Array[]): number {
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
export function openObject(r: JsonLexer): boolean {
  r.pos++;
  ws(r);
  if (r.b[r.pos] === 0x7d) {
    r.pos++;
    return false;
  }
  return true;
}

/** After a member's value: true when another member follows, false at the object's end. */
export function nextMember(r: JsonLexer): boolean {
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
export function openArray(r: JsonLexer): boolean {
  r.pos++;
  ws(r);
  if (r.b[r.pos] === 0x5d) {
    r.pos++;
    return false;
  }
  return true;
}

/** After an item: true when another item follows, false at the array's end. */
export function nextItem(r: JsonLexer): boolean {
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
export function isNull(r: JsonLexer): boolean {
  if (r.b[r.pos] !== 0x6e) return false;
  literal(r, 'null');
  return true;
}

/** True when the bytes at `at` begin with `bytes`. */
export function startsWith(b: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** True when the bytes [start, end) are exactly `bytes`. */
export function equals(b: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[start + i] !== bytes[i]) return false;
  return true;
}

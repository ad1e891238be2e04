/**
 * The JSON tokenizer under the OTLP/JSON decoder: strict RFC 8259 syntax (what JSON.parse accepts)
 * over UTF-8 bytes, checking without building. Strings and numbers are located, not converted;
 * the decoder converts the few it needs. Bounds-checked against hostile input; any nesting depth.
 * Bad syntax throws a MalformedOtlpError (../problems.ts). Moving through objects and arrays is in
 * cursor.ts, beside it.
 */
import { Buffer, isAscii } from 'node:buffer';
import { MalformedOtlpError } from '../problems.js';

const OBJECT = 1;
const ARRAY = 2;
/** Bytes that end a run of plain string content: control characters, '"' and '\'. */
const STRING_STOP = new Uint8Array(256);
for (let i = 0; i < 0x20; i++) STRING_STOP[i] = 1;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** A position in a JSON body, and the text of what it has scanned. */
export class JsonLexer {
  /** Read position. */
  pos = 0;
  /** Whether the string just scanned had escapes. */
  escaped = false;
  /** Containers open in {@link skipValue}. */
  readonly stack: number[] = [];
  readonly #bytes: Buffer;
  /** With `manyStrings` on an ASCII body: the body as text, whose slices are far cheaper than decoding each string. */
  readonly #ascii: string | undefined;

  /** `manyStrings`: most strings will be taken, so keep the body as text when that is cheaper. */
  constructor(
    readonly b: Uint8Array,
    manyStrings: boolean
  ) {
    this.#bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    this.#ascii = manyStrings && isAscii(b) ? this.#bytes.toString('latin1') : undefined;
  }

  /** The text of [start, end): a string's content (decoded when `escaped`) or a number's digits. */
  string(start: number, end: number, escaped: boolean): string {
    const ascii = this.#ascii;
    if (ascii !== undefined) return escaped ? unescape(ascii.slice(start - 1, end + 1)) : ascii.slice(start, end);
    // Invalid UTF-8 becomes U+FFFD, as decoding the whole body would make it.
    if (!escaped) return this.#bytes.toString('utf8', start, end);
    return unescape(this.#bytes.toString('utf8', start - 1, end + 1)); // checked already: exact escapes
  }

  /** Bad syntax here: the error to throw. */
  syntax(message: string): MalformedOtlpError {
    return new MalformedOtlpError(`${message} at byte ${this.pos}`);
  }
}

/** Skips JSON whitespace. */
export function ws(r: JsonLexer): void {
  const b = r.b;
  let p = r.pos;
  for (;;) {
    const c = b[p];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
    else break;
  }
  r.pos = p;
}

export function isNumberStart(c: number | undefined): boolean {
  return c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39);
}

/** At '"': moves past the string's closing quote; `r.escaped` tells whether it had escapes. */
export function scanString(r: JsonLexer): void {
  const b = r.b;
  const n = b.length;
  let p = r.pos + 1;
  let escaped = false;
  for (;;) {
    while (p < n && STRING_STOP[b[p]!] === 0) p++;
    if (p >= n) {
      r.pos = n;
      throw r.syntax('unterminated string');
    }
    const c = b[p]!;
    if (c === 0x22) break;
    if (c !== 0x5c) {
      r.pos = p;
      throw r.syntax('control character in a string');
    }
    escaped = true;
    const e = b[p + 1];
    if (e === 0x75) {
      if (!(HEX[b[p + 2]!]! && HEX[b[p + 3]!]! && HEX[b[p + 4]!]! && HEX[b[p + 5]!]!)) {
        r.pos = p;
        throw r.syntax('invalid \\u escape');
      }
      p += 6;
    } else if (
      e === 0x22 ||
      e === 0x5c ||
      e === 0x2f ||
      e === 0x62 ||
      e === 0x66 ||
      e === 0x6e ||
      e === 0x72 ||
      e === 0x74
    ) {
      p += 2;
    } else {
      r.pos = p;
      throw r.syntax('invalid escape');
    }
  }
  r.escaped = escaped;
  r.pos = p + 1;
}

/** At a number: moves past it, checking its grammar; true when it is an integer (no fraction, no exponent). */
export function scanNumber(r: JsonLexer): boolean {
  const b = r.b;
  let p = r.pos;
  let integer = true;
  if (b[p] === 0x2d) p++;
  let c = b[p];
  if (c === 0x30) p++;
  else if (c !== undefined && c >= 0x31 && c <= 0x39) {
    p++;
    while ((c = b[p]) !== undefined && c >= 0x30 && c <= 0x39) p++;
  } else {
    r.pos = p;
    throw r.syntax('invalid number');
  }
  if (b[p] === 0x2e) {
    integer = false;
    p++;
    if (!((c = b[p]) !== undefined && c >= 0x30 && c <= 0x39)) {
      r.pos = p;
      throw r.syntax('invalid number');
    }
    while ((c = b[p]) !== undefined && c >= 0x30 && c <= 0x39) p++;
  }
  if (b[p] === 0x65 || b[p] === 0x45) {
    integer = false;
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    if (!((c = b[p]) !== undefined && c >= 0x30 && c <= 0x39)) {
      r.pos = p;
      throw r.syntax('invalid number');
    }
    while ((c = b[p]) !== undefined && c >= 0x30 && c <= 0x39) p++;
  }
  r.pos = p;
  return integer;
}

/** At `word` (true, false or null): moves past it; returns whether it was `true`. */
export function literal(r: JsonLexer, word: 'true' | 'false' | 'null'): boolean {
  const b = r.b;
  for (let i = 0; i < word.length; i++) {
    if (b[r.pos + i] !== word.charCodeAt(i)) throw r.syntax('unexpected character');
  }
  r.pos += word.length;
  return word === 'true';
}

/** Reads a member name (at its quote) and the colon; leaves the reader at the value. */
function memberName(r: JsonLexer): void {
  if (r.b[r.pos] !== 0x22) throw r.syntax('expected a member name');
  scanString(r);
  ws(r);
  if (r.b[r.pos] !== 0x3a) throw r.syntax("expected ':'");
  r.pos++;
  ws(r);
}

/** Moves past the value here, checking its syntax; iterative, so any depth is fine. */
export function skipValue(r: JsonLexer): void {
  const b = r.b;
  const stack = r.stack;
  let depth = 0;
  for (;;) {
    const c = b[r.pos];
    if (c === 0x7b) {
      r.pos++;
      ws(r);
      if (b[r.pos] === 0x7d) r.pos++;
      else {
        stack[depth++] = OBJECT;
        memberName(r);
        continue;
      }
    } else if (c === 0x5b) {
      r.pos++;
      ws(r);
      if (b[r.pos] === 0x5d) r.pos++;
      else {
        stack[depth++] = ARRAY;
        continue;
      }
    } else if (c === 0x22) scanString(r);
    else if (isNumberStart(c)) scanNumber(r);
    else if (c === 0x74) literal(r, 'true');
    else if (c === 0x66) literal(r, 'false');
    else if (c === 0x6e) literal(r, 'null');
    else throw r.syntax(c === undefined ? 'unexpected end of JSON' : 'unexpected character');
    // After a value: close what ends here, then stop or go on to the next value.
    for (;;) {
      if (depth === 0) return;
      ws(r);
      const d = b[r.pos];
      const open = stack[depth - 1];
      if (d === 0x2c) {
        r.pos++;
        ws(r);
        if (open === OBJECT) memberName(r);
        break;
      }
      if (d === (open === OBJECT ? 0x7d : 0x5d)) {
        r.pos++;
        depth--;
        continue;
      }
      throw r.syntax(open === OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

/**
 * A quoted JSON string's value. An escaped lone surrogate (`"\ud800"`) becomes U+FFFD, as invalid
 * UTF-8 does: storage (ClickHouse, S3 keys) takes only well-formed text, and a span it refuses
 * after the receiver said 200 would be lost.
 */
function unescape(quoted: string): string {
  return (JSON.parse(quoted) as string & { toWellFormed(): string }).toWellFormed();
}

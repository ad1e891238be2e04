/**
 * The shapes the OpenTelemetry serializers write, read straight when the bytes are exactly those (no
 * spaces, these members in this order): `{"key":"…","value":…}`, `{"stringValue":"…"}` and
 * `{"doubleValue":<number>}`, most of a body. Anything else is read member by member from the start
 * (any-value.ts), to the same result. Also: recognising the key `xray.span.kind`.
 */
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { AttrValue } from '../../model/span.js';
import { equals, startsWith } from './cursor.js';
import { isNumberStart, scanNumber, scanString, ws } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';

const KEY_VALUE_START = new TextEncoder().encode('{"key":"');
const VALUE_MEMBER = new TextEncoder().encode(',"value":');
const STRING_VALUE_START = new TextEncoder().encode('{"stringValue":"');
const DOUBLE_VALUE_START = new TextEncoder().encode('{"doubleValue":');
const KIND_KEY = new TextEncoder().encode(ATTR_XRAY_SPAN_KIND);

/** Where the key's text starts in `{"key":"…"`, from the brace. */
export const PLAIN_KEY_OFFSET = KEY_VALUE_START.length;

/**
 * At `{"key":"…","value":`: moves to the value and returns where the key's text ends (it starts at
 * {@link PLAIN_KEY_OFFSET} past the brace; `r.escaped` tells whether it has escapes). -1, with
 * nothing read, for any other shape.
 */
export function plainKeyEnd(r: OtlpJsonReader): number {
  const b = r.b;
  const start = r.pos;
  if (!startsWith(b, start, KEY_VALUE_START)) return -1;
  r.pos = start + KEY_VALUE_START.length - 1;
  scanString(r);
  const keyEnd = r.pos - 1;
  if (!startsWith(b, r.pos, VALUE_MEMBER)) {
    r.pos = start;
    return -1;
  }
  r.pos += VALUE_MEMBER.length;
  ws(r);
  return keyEnd;
}

/** readAnyValue for `{"stringValue":"…"}` and `{"doubleValue":<number>}`; undefined (nothing read) otherwise. */
export function plainAnyValue(r: OtlpJsonReader): AttrValue | undefined {
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

/** True when the string content [start, end) is `xray.span.kind`. */
export function isKindKey(r: OtlpJsonReader, start: number, end: number, escaped: boolean): boolean {
  return escaped ? r.string(start, end, true) === ATTR_XRAY_SPAN_KIND : equals(r.b, start, end, KIND_KEY);
}

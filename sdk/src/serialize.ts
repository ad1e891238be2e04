/**
 * Safe, bounded JSON for payload attributes. A pipeline's items are arbitrary user objects: they may
 * be cyclic, hold BigInts, have throwing getters or be megabytes long. Serialising them must never
 * throw into the pipeline and must always yield valid JSON of bounded size.
 */

import { TRUNCATED_KEY } from '@xray/otel';

/** Key of the object that replaces a value cut at `maxPayloadBytes`: `{"_xray_truncated":true,...}`. */
export { TRUNCATED_KEY };
/** String that replaces a reference back to an object being serialised. */
export const CIRCULAR_MARKER = '[Circular]';
/** Prefix of the string that replaces a value whose getter or `toJSON` threw. */
export const UNSERIALIZABLE_MARKER = '[Unserializable]';

/** Counters a serializer reports into (a subset of the client's stats). */
export interface SerializeCounters {
  serializationFailures: number;
  truncatedValues: number;
}

/** Serialises one value to JSON, or `undefined` when there is nothing to record (undefined, a function). */
export type Serializer = (value: unknown) => string | undefined;

// Arrays longer than this are serialised element by element so that a 5,000-item step input costs
// only the elements that fit in the budget, not the whole array.
const ELEMENTWISE_MIN_LENGTH = 64;
// Deep enough for real data; stops runaway recursion in the fallback path.
const MAX_DEPTH = 100;

/** Thrown inside the fallback walker when the output passes the budget; never escapes this module. */
class BudgetExceeded {}
const BUDGET_EXCEEDED = new BudgetExceeded();

/** Creates a serializer that cuts every value at `maxBytes` UTF-8 bytes and counts what it absorbed. */
export function createSerializer(maxBytes: number, counters: SerializeCounters): Serializer {
  return (value) => {
    let text: string | undefined;
    let complete = true;
    if (Array.isArray(value) && value.length >= ELEMENTWISE_MIN_LENGTH && !hasToJSON(value)) {
      ({ text, complete } = stringifyArrayBounded(value, maxBytes, counters));
    } else {
      try {
        text = JSON.stringify(value); // the fast, native path: almost every value takes it
      } catch {
        counters.serializationFailures++;
        ({ text, complete } = safeStringify(value, maxBytes));
      }
    }
    if (text === undefined) return undefined;
    if (complete && fits(text, maxBytes)) return text;
    counters.truncatedValues++;
    return truncated(text, maxBytes, complete ? Buffer.byteLength(text) : undefined);
  };
}

/** True when `text` is at most `maxBytes` UTF-8 bytes; skips the byte count when length alone decides. */
function fits(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return false; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= maxBytes) return true; // and at most three
  return Buffer.byteLength(text) <= maxBytes;
}

/**
 * Wraps a prefix of `text` in `{"_xray_truncated":true,"originalBytes":N,"preview":"..."}`, the
 * prefix as long as fits `maxBytes` once escaped. `originalBytes` is absent when serialisation
 * stopped early and the full size is unknown.
 */
export function truncated(text: string, maxBytes: number, originalBytes?: number): string {
  const wrap = (preview: string): string => JSON.stringify({ [TRUNCATED_KEY]: true, originalBytes, preview });
  let n = Math.min(text.length, maxBytes);
  for (let attempt = 0; attempt < 20 && n > 0; attempt++) {
    // Never split a surrogate pair: the preview would hold a lone surrogate.
    const cut = isHighSurrogate(text.charCodeAt(n - 1)) ? n - 1 : n;
    const out = wrap(text.slice(0, cut));
    const bytes = Buffer.byteLength(out);
    if (bytes <= maxBytes) return out;
    // Escapes and multi-byte characters make output grow faster than the prefix; shrink proportionally.
    n = Math.min(cut - 1, Math.floor((cut * maxBytes) / bytes) - 8);
  }
  return wrap('');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Serialises array elements one at a time, stopping as soon as the output passes the budget. */
function stringifyArrayBounded(
  items: readonly unknown[],
  maxBytes: number,
  counters: SerializeCounters
): { text: string; complete: boolean } {
  const parts: string[] = [];
  let length = 1;
  for (let i = 0; i < items.length; i++) {
    let part: string | undefined;
    try {
      part = JSON.stringify(items[i]);
    } catch {
      counters.serializationFailures++;
      part = safeStringify(items[i], maxBytes).text; // an over-long part is cut by the length check below
    }
    part ??= 'null'; // as JSON.stringify does for undefined, functions and symbols in arrays
    parts.push(part);
    length += part.length + 1;
    if (length > maxBytes) return { text: `[${parts.join(',')}`, complete: false };
  }
  return { text: `[${parts.join(',')}]`, complete: true };
}

/**
 * JSON.stringify semantics without its failure modes: cyclic references become "[Circular]",
 * BigInts become strings, a throwing getter or toJSON becomes "[Unserializable] <message>".
 * Stops once the output passes `maxBytes` (then `complete` is false and `text` is a prefix).
 */
export function safeStringify(value: unknown, maxBytes: number): { text: string | undefined; complete: boolean } {
  const parts: string[] = [];
  let length = 0;
  const ancestors = new Set<object>();
  const push = (s: string): void => {
    parts.push(s);
    length += s.length;
    if (length > maxBytes) throw BUDGET_EXCEEDED;
  };

  // Writes a value already passed through resolve(). Returns false (writing nothing) for values
  // JSON omits: undefined, functions, symbols.
  const write = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        push(JSON.stringify(v));
        return true;
      case 'number':
        push(Number.isFinite(v) ? String(v) : 'null');
        return true;
      case 'boolean':
        push(v ? 'true' : 'false');
        return true;
      case 'bigint':
        push(JSON.stringify(v.toString()));
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) {
      push('null');
      return true;
    }
    if (ancestors.has(v)) {
      push(JSON.stringify(CIRCULAR_MARKER));
      return true;
    }
    if (depth >= MAX_DEPTH) {
      push(JSON.stringify(`${UNSERIALIZABLE_MARKER} nested deeper than ${MAX_DEPTH}`));
      return true;
    }
    ancestors.add(v);
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) push(',');
        const key = String(i);
        if (!write(resolve(read(v, key), key), depth + 1)) push('null');
      }
      push(']');
    } else {
      push('{');
      let first = true;
      for (const k of keysOf(v)) {
        const child = resolve(read(v, k), k);
        if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
        push(`${first ? '' : ','}${JSON.stringify(k)}:`);
        first = false;
        write(child, depth + 1);
      }
      push('}');
    }
    ancestors.delete(v);
    return true;
  };

  try {
    const written = write(resolve(value, ''), 0);
    return { text: written ? parts.join('') : undefined, complete: true };
  } catch (err) {
    if (err === BUDGET_EXCEEDED) return { text: parts.join(''), complete: false };
    // Anything else (a stack overflow in an exotic structure) replaces the whole value.
    return { text: JSON.stringify(unserializable(err)), complete: true };
  }
}

/** Applies toJSON once and unwraps boxed primitives, as JSON.stringify does; a throw becomes a marker. */
function resolve(v: unknown, key: string): unknown {
  if (typeof v !== 'object' || v === null) return v;
  try {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    const out: unknown = typeof toJSON === 'function' ? toJSON.call(v, key) : v;
    if (out instanceof Number || out instanceof String || out instanceof Boolean) return out.valueOf();
    return out;
  } catch (err) {
    return unserializable(err);
  }
}

function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch (err) {
    return unserializable(err);
  }
}

function keysOf(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return []; // a Proxy whose ownKeys trap throws: nothing we can enumerate
  }
}

function unserializable(err: unknown): string {
  let message = '';
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    // even the error is hostile; the bare marker will do
  }
  return message ? `${UNSERIALIZABLE_MARKER} ${message}` : UNSERIALIZABLE_MARKER;
}

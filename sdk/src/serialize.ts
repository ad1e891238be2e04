/**
 * Safe, bounded JSON for payload attributes. A pipeline's items are arbitrary user objects: they may
 * be cyclic, hold BigInts, have throwing getters or be megabytes long. Serialising them must never
 * throw into the pipeline and must always yield valid JSON: the whole value up to `maxPayloadBytes`,
 * else a truncation marker no longer than the inline threshold.
 */

import { TRUNCATED_KEY, type TruncationReason } from '@xray/otel';
import { ARRAY_CHUNK_LENGTH, BoundedJsonArray, type BoundedText } from './json-array.js';
import { safeStringify } from './safe-json.js';

/** Key of the object that replaces a value over `maxPayloadBytes`: `{"_xray_truncated":true,...}`. */
export { TRUNCATED_KEY };
export { CIRCULAR_MARKER, UNSERIALIZABLE_MARKER, safeStringify } from './safe-json.js';

/** Counters a serializer reports into (a subset of the client's stats). */
export interface SerializeCounters {
  serializationFailures: number;
  truncatedValues: number;
}

/**
 * Serialises one value to JSON, or `undefined` when there is nothing to record (undefined, a
 * function): the whole JSON when it fits `maxBytes`, else a truncation marker.
 */
export type Serializer = (value: unknown) => string | undefined;

/** Why a value is recorded as a truncation marker instead of whole (absent: over `maxPayloadBytes`). */
export type { TruncationReason };

/** Arrays at least this long are serialised a chunk at a time, stopping at the budget. */
const CHUNKED_MIN_LENGTH = ARRAY_CHUNK_LENGTH;

/**
 * Creates a serializer that keeps values up to `maxBytes` UTF-8 bytes whole and replaces longer
 * ones by a marker of at most `previewBytes`, counting what it absorbed.
 */
export function createSerializer(maxBytes: number, counters: SerializeCounters, previewBytes = maxBytes): Serializer {
  return (value) => {
    const { text, complete } = stringifyBounded(value, maxBytes, counters);
    return text === undefined ? undefined : boundedJson({ text, complete }, maxBytes, previewBytes, counters);
  };
}

/** JSON of `value`, stopped early (`complete` false) where that is cheap once it passes `maxBytes`. */
function stringifyBounded(
  value: unknown,
  maxBytes: number,
  counters: SerializeCounters
): { text: string | undefined; complete: boolean } {
  if (Array.isArray(value) && value.length >= CHUNKED_MIN_LENGTH && !hasToJSON(value)) {
    const array = new BoundedJsonArray(maxBytes, counters);
    for (let i = 0; i < value.length; i += ARRAY_CHUNK_LENGTH) {
      if (!array.append(value, i, Math.min(i + ARRAY_CHUNK_LENGTH, value.length))) break;
    }
    return array.result();
  }
  try {
    return { text: JSON.stringify(value), complete: true }; // the fast, native path: almost every value takes it
  } catch {
    counters.serializationFailures++;
    return safeStringify(value, maxBytes);
  }
}

/** `text` itself when it is complete JSON within `maxBytes`, else its truncation marker (counted). */
export function boundedJson(
  { text, complete }: BoundedText,
  maxBytes: number,
  previewBytes: number,
  counters: SerializeCounters
): string {
  if (complete && fits(text, maxBytes)) return text;
  counters.truncatedValues++;
  return truncated(text, previewBytes, complete ? Buffer.byteLength(text) : undefined);
}

/** True when `text` is at most `maxBytes` UTF-8 bytes; skips the byte count when length alone decides. */
export function fits(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return false; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= maxBytes) return true; // and at most three
  return Buffer.byteLength(text) <= maxBytes;
}

/**
 * Wraps a prefix of `text` in `{"_xray_truncated":true,"originalBytes":N,"preview":"..."}`, the
 * prefix as long as fits `maxBytes` once escaped. `originalBytes` is absent when serialisation
 * stopped early and the full size is unknown; `reason` is present when the value was not over the
 * cap but could not be kept (`queue_full`: no room to hold it for upload).
 */
export function truncated(text: string, maxBytes: number, originalBytes?: number, reason?: TruncationReason): string {
  const wrap = (preview: string): string => JSON.stringify({ [TRUNCATED_KEY]: true, originalBytes, reason, preview });
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

/**
 * A JSON array built element by element as they come (a step's output): it holds the elements'
 * JSON, a chunk at a time, never the elements, and at most `maxBytes` of it.
 */
export class JsonArrayBuilder {
  #pending: unknown[] = [];
  readonly #array: BoundedJsonArray;

  constructor(
    readonly maxBytes: number,
    readonly previewBytes: number,
    readonly counters: SerializeCounters
  ) {
    this.#array = new BoundedJsonArray(maxBytes, counters, previewBytes);
  }

  push(value: unknown): void {
    if (!this.#array.complete) return;
    this.#pending.push(value);
    if (this.#pending.length >= ARRAY_CHUNK_LENGTH) this.#flush();
  }

  /** Appends an element whose JSON is already made (by the serializer, for the same value). */
  pushJson(json: string): void {
    if (!this.#array.complete) return;
    this.#flush();
    this.#array.appendJson(json);
  }

  /** The array's JSON, or its truncation marker when it passed `maxBytes`. */
  json(): string {
    this.#flush();
    return boundedJson(this.#array.result(), this.maxBytes, this.previewBytes, this.counters);
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    this.#array.append(pending, 0, pending.length);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

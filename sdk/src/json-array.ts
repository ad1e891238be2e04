/**
 * A JSON array written a chunk of elements at a time within a byte budget: a 5,000-item step input
 * costs only the elements that fit, and a step's output is built as its decisions come, so the step
 * holds the survivors' JSON (bounded by the cap) rather than the survivors themselves.
 */
import { read, safeStringify } from './safe-json.js';

/** Counters the array reports serialisation failures into. */
export interface ArrayCounters {
  serializationFailures: number;
}

/**
 * Elements serialised per native `JSON.stringify` call: several times faster than one call per
 * element, and the transient string stays the size of a few elements.
 */
export const ARRAY_CHUNK_LENGTH = 64;

/** The JSON of an array, or, once it passed the budget, the start of it. */
export interface BoundedText {
  text: string;
  /** False when the budget stopped the array: `text` is then a prefix, not JSON. */
  complete: boolean;
}

/**
 * Appends elements to a JSON array while its length (UTF-16 units, a lower bound of its UTF-8
 * bytes) stays within `maxBytes`. Once it does not, it keeps only the first `keepChars` characters
 * (enough for a preview) and ignores further elements.
 */
export class BoundedJsonArray {
  #parts: string[] = [];
  /** `[`, `]` and the parts with their commas. */
  #length = 2;
  #prefix: string | undefined;
  readonly #maxBytes: number;
  readonly #keepChars: number;
  readonly #counters: ArrayCounters;

  constructor(maxBytes: number, counters: ArrayCounters, keepChars = maxBytes) {
    this.#maxBytes = maxBytes;
    this.#keepChars = keepChars;
    this.#counters = counters;
  }

  /** False once the budget stopped the array. */
  get complete(): boolean {
    return this.#prefix === undefined;
  }

  /** Appends `items[from..to)`; returns false once the array is over budget. */
  append(items: readonly unknown[], from: number, to: number): boolean {
    if (this.#prefix !== undefined || to <= from) return this.complete;
    let chunk: string | undefined;
    try {
      chunk = JSON.stringify(items.slice(from, to)); // the fast, native path: almost every chunk takes it
    } catch {
      chunk = undefined; // a cycle, a BigInt, a throwing getter: element by element, safely
    }
    if (chunk !== undefined) return this.#push(chunk.slice(1, -1));
    for (let i = from; i < to && this.complete; i++) this.#push(this.#element(items, i));
    return this.complete;
  }

  /** Appends one element given as its JSON; returns false once the array is over budget. */
  appendJson(json: string): boolean {
    return this.#prefix === undefined ? this.#push(json) : false;
  }

  /** The array's JSON, or the prefix it had when it passed the budget. */
  result(): BoundedText {
    if (this.#prefix !== undefined) return { text: this.#prefix, complete: false };
    return { text: `[${this.#parts.join(',')}]`, complete: true };
  }

  #element(items: readonly unknown[], i: number): string {
    const item = read(items, String(i));
    let part: string | undefined;
    try {
      part = JSON.stringify(item);
    } catch {
      this.#counters.serializationFailures++;
      part = safeStringify(item, this.#maxBytes).text; // an over-long part is cut by the length check
    }
    return part ?? 'null'; // as JSON.stringify does for undefined, functions and symbols in arrays
  }

  #push(part: string): boolean {
    this.#length += part.length + (this.#parts.length > 0 ? 1 : 0);
    this.#parts.push(part);
    if (this.#length > this.#maxBytes) {
      // Over budget: keep the start for the preview and let the rest go.
      this.#prefix = `[${this.#parts.join(',')}`.slice(0, this.#keepChars);
      this.#parts = [];
    }
    return this.complete;
  }
}

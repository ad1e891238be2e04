/**
 * The bytes X-Ray may hold for later (`maxQueueBytes`), shared by the spans waiting for export and
 * the payloads waiting for upload: whatever the receiver does, the two together stay under it.
 * Spans come first: payloads leave `spanReserveBytes` free, and a span that finds no room has
 * payloads still waiting for upload dropped to make it (through `evictPayloads`), so large values
 * never crowd out decisions.
 */
export class QueueBudget {
  #used = 0;
  /** Set by the uploader: drops waiting payloads, newest first, until about `bytes` are freed. */
  evictPayloads: ((bytes: number) => void) | undefined;

  constructor(
    readonly maxBytes: number,
    readonly spanReserveBytes = 0
  ) {}

  /** Bytes held right now. */
  get used(): number {
    return this.#used;
  }

  /** Takes room for a span, evicting waiting payloads when that is what it takes; false if it still does not fit. */
  takeForSpan(bytes: number): boolean {
    if (this.#take(bytes, 0)) return true;
    this.evictPayloads?.(this.#used + bytes - this.maxBytes);
    return this.#take(bytes, 0);
  }

  /** Takes room for a payload if `spanReserveBytes` stay free afterwards; false, taking nothing, otherwise. */
  takeForPayload(bytes: number): boolean {
    return this.#take(bytes, this.spanReserveBytes);
  }

  /** Gives back bytes taken earlier. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  #take(bytes: number, keepFreeBytes: number): boolean {
    if (this.#used + bytes + keepFreeBytes > this.maxBytes) return false;
    this.#used += bytes;
    return true;
  }
}

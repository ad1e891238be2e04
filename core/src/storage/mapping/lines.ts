import type { PayloadRef } from '../rows.js';

/** One S3 object to write: a span's JSON Lines payload. */
export interface PayloadObject {
  key: string;
  body: Buffer;
}

/** Builds a JSON Lines object line by line, remembering each line's byte range. */
export class LinesWriter {
  readonly #lines: string[] = [];
  #offset = 0;

  constructor(readonly key: string) {}

  add(record: unknown): PayloadRef {
    const line = `${JSON.stringify(record)}\n`;
    // Measuring is cheaper than encoding each line; the object is encoded once, in toObject().
    const length = Buffer.byteLength(line, 'utf8');
    const ref = { payload_key: this.key, payload_offset: this.#offset, payload_length: length };
    this.#lines.push(line);
    this.#offset += length;
    return ref;
  }

  toObject(): PayloadObject {
    // Each line is encoded straight into its place: no joined copy of the whole object as a string.
    const body = Buffer.allocUnsafe(this.#offset);
    let at = 0;
    for (const line of this.#lines) at += body.write(line, at, 'utf8');
    return { key: this.key, body };
  }
}

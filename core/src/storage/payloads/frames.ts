import type { PayloadRef } from '../rows.js';
import { compressPayload } from './codec.js';

/**
 * A span's payload object: JSON Lines cut into independent compressed frames. Each row points at
 * its record's frame (`payload_offset`, `payload_length`: the frame's byte range), so reading one
 * record is one ranged GET and one small decompression; the record is then found in the frame by
 * its identity (see records.ts). Frames close at {@link FRAME_RECORDS} records or
 * {@link FRAME_BYTES} bytes, whichever comes first.
 */
export const FRAME_RECORDS = 64;
export const FRAME_BYTES = 64 * 1024;

/** A row's payload reference until {@link FramedWriter.add} and {@link encodeObject} place its record. */
export const UNPLACED: Readonly<PayloadRef> = { payload_key: '', payload_offset: 0, payload_length: 0 };

/** One S3 object to write. */
export interface PayloadObject {
  key: string;
  body: Buffer;
}

interface Frame {
  lines: string[];
  bytes: number;
  /** The rows whose records are in this frame: their offset and length are set when it is encoded. */
  rows: PayloadRef[];
}

/** A span object whose frames are not compressed yet; {@link encodeObject} makes it a {@link PayloadObject}. */
export interface PendingObject {
  key: string;
  frames: readonly Frame[];
}

/** Collects a span's records into frames; rows get their byte ranges when the object is encoded. */
export class FramedWriter {
  readonly #frames: Frame[] = [];

  constructor(readonly key: string) {}

  /** Adds `record` to the current frame and makes `row` point at it. */
  add(record: unknown, row: PayloadRef): void {
    const line = `${JSON.stringify(record)}\n`;
    let frame = this.#frames.at(-1);
    if (!frame || frame.lines.length >= FRAME_RECORDS || frame.bytes >= FRAME_BYTES) {
      frame = { lines: [], bytes: 0, rows: [] };
      this.#frames.push(frame);
    }
    frame.lines.push(line);
    frame.bytes += line.length;
    row.payload_key = this.key;
    frame.rows.push(row);
  }

  /** The object to encode, or `undefined` when no record was added. */
  pending(): PendingObject | undefined {
    return this.#frames.length > 0 ? { key: this.key, frames: this.#frames } : undefined;
  }
}

/** Compresses every frame (in parallel, off the event loop) and sets each row's byte range. */
export async function encodeObject(object: PendingObject): Promise<PayloadObject> {
  const bodies = await Promise.all(
    object.frames.map((frame) => compressPayload(Buffer.from(frame.lines.join(''), 'utf8')))
  );
  let offset = 0;
  object.frames.forEach((frame, i) => {
    const length = bodies[i]!.length;
    for (const row of frame.rows) {
      row.payload_offset = offset;
      row.payload_length = length;
    }
    offset += length;
  });
  return { key: object.key, body: Buffer.concat(bodies, offset) };
}

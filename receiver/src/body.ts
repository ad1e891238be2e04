/**
 * Reading a request body under a byte limit, and inflating gzip under the same limit. Both stop as
 * soon as the limit is passed, so an oversized or hostile body never costs more than the limit.
 */
import { Buffer } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** A body, or why there is none: too large (413) or not valid gzip (400). */
export type BodyResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' | 'bad_gzip'; message: string };

/**
 * Reads `stream` to the end, or until more than `maxBytes` have arrived: then it stops reading
 * (the rest is never buffered) and reports `too_large`.
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<BodyResult> {
  if (stream === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Cancelling tells the source to stop; the remaining bytes are never read into memory.
        reader.cancel().catch(() => undefined);
        return tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
}

/**
 * Inflates a gzip body, counting output while inflating: zlib stops as soon as the output passes
 * `maxBytes` (a small gzip bomb costs about `maxBytes` of work and memory, not its full size).
 */
export async function gunzipLimited(bytes: Uint8Array, maxBytes: number): Promise<BodyResult> {
  try {
    // Larger chunks than zlib's 16 KiB default: fewer round trips to the thread pool.
    return { ok: true, bytes: await gunzipAsync(bytes, { maxOutputLength: maxBytes, chunkSize: 64 * 1024 }) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(maxBytes);
    return { ok: false, reason: 'bad_gzip', message: `The body is not valid gzip (${(err as Error).message}).` };
  }
}

/** The sentence for a 413. */
export function tooLargeMessage(maxBytes: number): string {
  return `The request body exceeds ${maxBytes} bytes (after decompression); send smaller export batches.`;
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, reason: 'too_large', message: tooLargeMessage(maxBytes) };
}

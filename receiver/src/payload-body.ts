/**
 * Reading one uploaded payload as it arrives: inflated (gzip), counted, hashed (SHA-256) and,
 * unless S3 already has it, compressed with the payload codec. Only the compressed bytes are kept,
 * so an upload costs about its compressed size in memory, never its raw size; reading stops as
 * soon as the body passes the limit.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { compressStream } from '@xray/core/storage';

export interface DigestOptions {
  /** Largest payload accepted, in bytes after decompression (and on the wire). */
  maxBytes: number;
  /** The body is gzip (`Content-Encoding: gzip`). */
  gzip: boolean;
  /** Compress the bytes for storage (false when the object exists: the body is only checked). */
  compress: boolean;
  /** The declared size, when known: a hint for the compressor. */
  sizeHint?: number;
}

/** What the body turned out to be, or why it could not be read. */
export type DigestResult =
  | { ok: true; sha256: string; bytes: number; compressed: Buffer }
  | { ok: false; reason: 'too_large' | 'bad_gzip' | 'unreadable'; message: string };

type Stage = NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream;

/** Thrown inside the pipeline when the limit is passed: every stage stops, the source is cancelled. */
class TooLarge extends Error {}

export async function digestBody(body: ReadableStream<Uint8Array> | null, o: DigestOptions): Promise<DigestResult> {
  const hash = createHash('sha256');
  const compressed: Buffer[] = [];
  let wire = 0;
  let bytes = 0;
  // Destroying a stream made by fromWeb cancels its reader, so a stalled client cannot hold the
  // pipeline open after the limit is passed.
  const source = body ? Readable.fromWeb(body) : Readable.from([]);
  // Plain transforms: a stage made by Duplex.from(async generator) that is waiting for input never
  // closes when the pipeline is destroyed, and the pipeline would hang after the limit is passed.
  const onWire = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      wire += chunk.length;
      if (wire > o.maxBytes) return done(new TooLarge());
      done(null, chunk);
    },
  });
  const digest = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > o.maxBytes) return done(new TooLarge());
      hash.update(chunk);
      done(null, o.compress ? chunk : undefined);
    },
  });
  const stages: Stage[] = [source, onWire];
  if (o.gzip) stages.push(createGunzip({ chunkSize: 64 * 1024 }));
  stages.push(digest);
  if (o.compress) stages.push(compressStream(o.gzip ? 0 : (o.sizeHint ?? 0)));
  stages.push(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        compressed.push(chunk);
        done();
      },
    })
  );
  try {
    await pipeline(stages);
  } catch (err) {
    if (err instanceof TooLarge) return { ok: false, reason: 'too_large', message: payloadTooLargeMessage(o.maxBytes) };
    const { code, message } = err as NodeJS.ErrnoException;
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR for a cut stream): the body is not the gzip it says it is.
    if (o.gzip && code?.startsWith('Z_'))
      return { ok: false, reason: 'bad_gzip', message: `The body is not valid gzip (${message}).` };
    return { ok: false, reason: 'unreadable', message: `The body could not be read (${message}).` };
  }
  return { ok: true, sha256: hash.digest('hex'), bytes, compressed: Buffer.concat(compressed) };
}

/** The sentence for a 413. */
export function payloadTooLargeMessage(maxBytes: number): string {
  return (
    `The payload exceeds this receiver's limit of ${maxBytes} bytes (XRAY_MAX_PAYLOAD_BYTES, after decompression); ` +
    `record it as truncated, or raise the limit.`
  );
}

/**
 * The payload codec: Brotli at quality 4, in text mode. Chosen on bench-shaped decision records
 * framed 64 to a frame (see README "Payload storage"): 11.5x smaller than raw JSON Lines at
 * ~170 MB/s, as small as zstd level 1, and in `node:zlib` on every supported Node.js (zstd is only
 * from 22.15). Objects say their codec by the key's suffix, so objects written raw stay readable.
 */
import { promisify } from 'node:util';
import {
  brotliCompress,
  brotliDecompress,
  brotliDecompressSync,
  constants,
  createBrotliCompress,
  createBrotliDecompress,
} from 'node:zlib';
import type { Transform } from 'node:stream';

/** Suffix of keys whose bytes are Brotli-compressed (frames of a span object, or a whole blob). */
export const COMPRESSED_SUFFIX = '.br';
const QUALITY = 4;
/** Largest output one decompression may produce: a frame or blob can never legitimately exceed it. */
export const MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

const compressAsync = promisify(brotliCompress);
const decompressAsync = promisify(brotliDecompress);

function params(sizeHint: number) {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: sizeHint,
    },
  };
}

/** True when the object at `key` is compressed by this codec (else it holds raw bytes). */
export function isCompressedKey(key: string): boolean {
  return key.endsWith(COMPRESSED_SUFFIX);
}

/** Compresses on libuv's thread pool: the event loop stays free while frames compress. */
export function compressPayload(bytes: Buffer): Promise<Buffer> {
  return compressAsync(bytes, params(bytes.length));
}

export function decompressPayload(bytes: Buffer): Promise<Buffer> {
  return decompressAsync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
}

/** Decompresses on the calling thread: for small frames read in a loop, where a thread hop costs more. */
export function decompressPayloadSync(bytes: Buffer): Buffer {
  return brotliDecompressSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
}

/** A streaming compressor, for values too large to hold twice. */
export function compressStream(sizeHint = 0): Transform {
  return createBrotliCompress(params(sizeHint));
}

export function decompressStream(): Transform {
  return createBrotliDecompress();
}

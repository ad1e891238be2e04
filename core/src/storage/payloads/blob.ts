import { createHash } from 'node:crypto';
import { BLOB_BYTES_METADATA } from '../s3-keys.js';

/**
 * The fields of the PUT that stores a content-addressed value (everything but the bucket), the same
 * whoever writes it (the receiver for uploads, the processor for long inline values): its
 * compressed bytes, JSON's content type, its size before compression in the metadata readers use,
 * and a Content-MD5 that makes S3 reject a body damaged on the way.
 */
export function blobObject(key: string, compressed: Buffer, rawBytes: number) {
  return {
    Key: key,
    Body: compressed,
    ContentType: 'application/json',
    Metadata: { [BLOB_BYTES_METADATA]: String(rawBytes) },
    ContentMD5: createHash('md5').update(compressed).digest('base64'),
  };
}

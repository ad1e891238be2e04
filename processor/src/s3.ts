import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  type BlobToWrite,
  blobObject,
  compressPayload,
  type PayloadObject,
  s3ClientConfig,
  type StorageSettings,
  type WriteBatch,
} from '@xray/core/storage';
import { createHash } from 'node:crypto';

export type S3Options = StorageSettings['s3'] & {
  /** PUTs in flight at once (default 8). */
  concurrency?: number;
  /** Content-addressed keys remembered as stored, to skip asking S3 again (default 16,384). */
  knownBlobs?: number;
};

/** What one write stored: span objects, and distinct values new to S3 or already there. */
export interface PayloadWriteResult {
  objects: number;
  blobsStored: number;
  blobsExisting: number;
}

/** Writes payload objects at their deterministic keys, and each distinct value once at its content-addressed key. */
export class PayloadWriter {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #concurrency: number;
  readonly #known: RecentKeys;

  constructor(options: S3Options) {
    this.#s3 = new S3Client(s3ClientConfig(options));
    this.#bucket = options.bucket;
    this.#concurrency = options.concurrency ?? 8;
    this.#known = new RecentKeys(options.knownBlobs ?? 16_384);
  }

  /** Creates the bucket when it does not exist (local stack, tests). */
  async ensureBucket(): Promise<void> {
    try {
      await this.#s3.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch {
      await this.#s3.send(new CreateBucketCommand({ Bucket: this.#bucket }));
    }
  }

  /** True when the bucket answers. */
  async reachable(): Promise<boolean> {
    try {
      await this.#s3.send(new HeadBucketCommand({ Bucket: this.#bucket }));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stores a batch's values and span objects; resolves once all are stored, rejects if any fails.
   * A value already stored (remembered, or found by HEAD) is not written again: identical bytes
   * of one project and day are one object. Retries overwrite the same keys with the same bytes.
   */
  async write(batch: Pick<WriteBatch, 'objects' | 'blobs'>): Promise<PayloadWriteResult> {
    const result: PayloadWriteResult = { objects: batch.objects.length, blobsStored: 0, blobsExisting: 0 };
    const blobs = [...batch.blobs.values()].filter((blob) => {
      const known = this.#known.has(blob.key);
      if (known) result.blobsExisting++;
      return !known;
    });
    await this.#pool(blobs, async (blob) => {
      if (await this.#putBlob(blob)) result.blobsStored++;
      else result.blobsExisting++;
      this.#known.add(blob.key);
    });
    await this.#pool(batch.objects, (object) => this.#put(object));
    return result;
  }

  /** Stores a value unless S3 has it; false when it was there. */
  async #putBlob(blob: BlobToWrite): Promise<boolean> {
    try {
      await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: blob.key }));
      return false;
    } catch (err) {
      if ((err as { name?: string }).name !== 'NotFound') throw err;
    }
    const body = await compressPayload(Buffer.from(blob.text, 'utf8'));
    await this.#s3.send(new PutObjectCommand({ Bucket: this.#bucket, ...blobObject(blob.key, body, blob.bytes) }));
    return true;
  }

  /** The Content-MD5 header makes S3 reject a body damaged on the way. */
  async #put(object: PayloadObject): Promise<void> {
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: object.key,
        Body: object.body,
        ContentType: 'application/x-ndjson',
        ContentMD5: createHash('md5').update(object.body).digest('base64'),
      })
    );
  }

  async #pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, items.length) }, worker));
  }

  close(): void {
    this.#s3.destroy();
  }
}

/** The most recently added keys, up to a bound (oldest forgotten first). */
class RecentKeys {
  readonly #keys = new Set<string>();
  constructor(readonly max: number) {}

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.delete(key);
    this.#keys.add(key);
    if (this.#keys.size > this.max) this.#keys.delete(this.#keys.values().next().value!);
  }
}

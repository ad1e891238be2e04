/**
 * Where uploaded payloads go: S3, at the content-addressed keys the processor and the query API
 * read (`@xray/core/storage`'s `blobKey`), compressed with the payload codec, with the raw size in
 * the object's metadata.
 */
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { isOutage } from '@xray/core/service';
import { blobObject, s3ClientConfig, type StorageSettings } from '@xray/core/storage';

/** What the upload route needs of S3; tests may pass their own. */
export interface PayloadStore {
  /** True when an object is stored at `key`; throws when S3 cannot say (down, or refusing). */
  exists(key: string): Promise<boolean>;
  /** Stores `compressed` at `key`, in one PUT: the object is there whole or not at all. */
  put(key: string, compressed: Buffer, rawBytes: number): Promise<void>;
}

/** An S3 error's HTTP status, when S3 answered. */
const statusOf = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

export class S3PayloadStore implements PayloadStore {
  readonly #s3: S3Client;
  readonly #bucket: string;
  /** Set once the bucket is known to exist; until then each upload tries to make sure of it. */
  #bucketReady = false;

  constructor(settings: StorageSettings['s3']) {
    this.#s3 = new S3Client(s3ClientConfig(settings));
    this.#bucket = settings.bucket;
  }

  get bucket(): string {
    return this.#bucket;
  }

  /**
   * Creates the bucket when it does not exist (local stack, tests). Throws while S3 is down; the
   * next upload tries again, so a receiver started before S3 needs no restart.
   */
  async ensureBucket(): Promise<void> {
    try {
      await this.#s3.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (err) {
      if (isOutage(err)) throw err;
      try {
        await this.#s3.send(new CreateBucketCommand({ Bucket: this.#bucket }));
      } catch (createErr) {
        // Another receiver (or processor) created it in the meantime.
        if (statusOf(createErr) !== 409) throw createErr;
      }
    }
    this.#bucketReady = true;
  }

  async exists(key: string): Promise<boolean> {
    if (!this.#bucketReady) await this.ensureBucket();
    try {
      await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'NotFound' || statusOf(err) === 404) return false;
      throw err;
    }
  }

  /** The Content-MD5 header makes S3 reject a body damaged on the way. */
  async put(key: string, compressed: Buffer, rawBytes: number): Promise<void> {
    await this.#s3.send(new PutObjectCommand({ Bucket: this.#bucket, ...blobObject(key, compressed, rawBytes) }));
  }

  close(): void {
    this.#s3.destroy();
  }
}

import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type PayloadObject, s3ClientConfig, type StorageSettings } from '@xray/core/storage';
import { createHash } from 'node:crypto';

export type S3Options = StorageSettings['s3'] & {
  /** PUTs in flight at once (default 8). */
  concurrency?: number;
};

/** Writes payload objects to S3 at their deterministic keys. */
export class PayloadWriter {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #concurrency: number;

  constructor(options: S3Options) {
    this.#s3 = new S3Client(s3ClientConfig(options));
    this.#bucket = options.bucket;
    this.#concurrency = options.concurrency ?? 8;
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
   * PUTs every object; resolves once all are stored, rejects if any fails. The Content-MD5 header
   * makes S3 reject a body damaged on the way, and a retry simply overwrites the same key.
   */
  async write(objects: readonly PayloadObject[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < objects.length) {
        const object = objects[next++]!;
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
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, objects.length) }, worker));
  }

  close(): void {
    this.#s3.destroy();
  }
}

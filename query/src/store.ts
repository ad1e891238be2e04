import { pipeline, type Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from '@clickhouse/client';
import { type BoundQuery } from '@xray/core/queries';
import {
  BLOB_BYTES_METADATA,
  byteRange,
  decompressStream,
  isCompressedKey,
  recordInRange,
  type RecordIdentity,
} from '@xray/core/storage';

/** Reads rows from ClickHouse. */
export interface RowReader {
  rows(q: BoundQuery): Promise<Record<string, unknown>[]>;
}

/** A value stored by reference, opened for reading. */
export interface StoredValue {
  /** Size of the value's JSON in bytes, as stored beside it (`xray-bytes`); undefined when not recorded. */
  bytes: number | undefined;
  /** The value's JSON, decompressed. Destroy it to stop reading early. */
  body: Readable;
}

/** Reads payloads: a record in its span object, and values stored by reference. */
export interface PayloadReader {
  /**
   * The record a row points at: one ranged GET of its frame (`offset`, `length`), the record found in
   * it by `identity`. `undefined` when the object, the range or the record is missing.
   */
  record(
    key: string,
    offset: number,
    length: number,
    identity: RecordIdentity
  ): Promise<Record<string, unknown> | undefined>;
  /** A value stored by reference at `key`, streaming; `undefined` when it is not in storage. */
  value(key: string): Promise<StoredValue | undefined>;
}

/** {@link RowReader} over `@clickhouse/client`. */
export function clickhouseRows(client: ClickHouseClient): RowReader {
  return {
    async rows(q) {
      const result = await client.query({ query: q.query, query_params: q.query_params, format: 'JSONEachRow' });
      return result.json<Record<string, unknown>>();
    },
  };
}

/** An object or a range that is not there: an answer (missing), never an error. */
const isAbsent = (err: unknown) => ['NoSuchKey', 'NotFound', 'InvalidRange'].includes((err as { name?: string }).name!);

/** {@link PayloadReader} over S3: one ranged GET per record, one streaming GET per value. */
export function s3Payloads(s3: S3Client, bucket: string): PayloadReader {
  return {
    async record(key, offset, length, identity) {
      let bytes: Uint8Array | undefined;
      try {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: byteRange(offset, length) })
        );
        bytes = await object.Body?.transformToByteArray();
      } catch (err) {
        if (isAbsent(err)) return undefined;
        throw err;
      }
      if (!bytes?.length) return undefined;
      return recordInRange(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), identity);
    },

    async value(key) {
      let object;
      try {
        object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (isAbsent(err)) return undefined;
        throw err;
      }
      const raw = object.Body as Readable | undefined;
      if (!raw) return undefined;
      const size = Number(object.Metadata?.[BLOB_BYTES_METADATA]);
      const body = isCompressedKey(key)
        ? // A failure on either side destroys both; the reader sees it on `body`.
          pipeline(raw, decompressStream(), () => undefined)
        : raw;
      return { bytes: Number.isSafeInteger(size) && size >= 0 ? size : undefined, body };
    },
  };
}

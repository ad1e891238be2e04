import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from '@clickhouse/client';
import { type BoundQuery } from '@xray/core/queries';
import { byteRange } from '@xray/core/storage';

/** Reads rows from ClickHouse. */
export interface RowReader {
  rows(q: BoundQuery): Promise<Record<string, unknown>[]>;
}

/** Reads one record (a byte range) of a payload object. */
export interface PayloadReader {
  /** The record's parsed JSON; `undefined` when the object or range is missing. */
  read(key: string, offset: number, length: number): Promise<Record<string, unknown> | undefined>;
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

/** {@link PayloadReader} over S3: one ranged GET per record. */
export function s3Payloads(s3: S3Client, bucket: string): PayloadReader {
  return {
    async read(key, offset, length) {
      try {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: byteRange(offset, length) })
        );
        const text = await object.Body?.transformToString('utf8');
        return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
  };
}

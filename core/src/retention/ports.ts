/**
 * What retention needs of ClickHouse and of the object store, as two small interfaces, and their
 * adapters over `@clickhouse/client` and `@aws-sdk/client-s3`. Deleting and expiring data is
 * written against the interfaces only, so it reads the same whichever store is underneath.
 */
import { DeleteObjectsCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClusterTarget } from '../storage/cluster.js';

export type SqlParams = Record<string, unknown>;
export type SqlSettings = Record<string, string | number | boolean | undefined>;

/** Statements and reads, every value a bound parameter (`{name:Type}`). */
export interface SqlClient {
  command(query: string, params?: SqlParams, settings?: SqlSettings): Promise<void>;
  /** The rows of a read; 64-bit integers come back as strings (ClickHouse quotes them in JSON). */
  rows<T>(query: string, params?: SqlParams): Promise<T[]>;
}

/** What {@link clickhouseSql} needs of a client: `@clickhouse/client`'s ClickHouseClient has it. */
export interface ClickHouseLike {
  command(params: { query: string; query_params?: SqlParams; clickhouse_settings?: SqlSettings }): Promise<unknown>;
  query(params: {
    query: string;
    query_params?: SqlParams;
    format: 'JSONEachRow';
  }): Promise<{ json<T>(): Promise<T[]> }>;
}

/** A {@link SqlClient} over a ClickHouse client. */
export function clickhouseSql(client: ClickHouseLike): SqlClient {
  return {
    async command(query, params, settings) {
      await client.command({ query, query_params: params, clickhouse_settings: settings });
    },
    async rows<T>(query: string, params?: SqlParams) {
      return (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
    },
  };
}

/** Listing and deleting objects by key prefix. */
export interface ObjectStore {
  /** The common prefixes directly under `prefix` (delimiter `/`), each ending in `/`, in key order. */
  prefixes(prefix: string): Promise<string[]>;
  /** Every key under `prefix`, a page at a time, in key order. */
  keys(prefix: string): AsyncIterable<string[]>;
  /** Deletes the keys (missing ones included); resolves with how many were asked for. */
  delete(keys: readonly string[]): Promise<number>;
}

/** What deleting and expiring data works on: ClickHouse, the objects, and the cluster if the schema is on one. */
export interface RetentionDeps {
  sql: SqlClient;
  objects: ObjectStore;
  /** Set when the schema lives on a cluster (core/src/storage/cluster.ts). */
  cluster?: ClusterTarget;
}

/** The most keys one DeleteObjects request may carry (S3's limit). */
export const DELETE_BATCH_KEYS = 1000;

/**
 * An {@link ObjectStore} over one bucket. Lists with ListObjects (v1), paged by Marker: s3rver
 * cannot make ListObjectsV2 continuation tokens on OpenSSL 3, and every S3 store knows v1. Deletes
 * with DeleteObjects, {@link DELETE_BATCH_KEYS} keys a request, in Quiet mode (only failures are
 * answered); the client's default CRC32 checksum header is accepted by S3, MinIO and s3rver.
 */
export function s3Objects(s3: S3Client, bucket: string): ObjectStore {
  const list = (o: { prefix: string; marker?: string; delimiter?: string; maxKeys?: number }) =>
    s3.send(
      new ListObjectsCommand({
        Bucket: bucket,
        Prefix: o.prefix,
        Marker: o.marker,
        Delimiter: o.delimiter,
        MaxKeys: o.maxKeys,
      })
    );

  /**
   * The prefixes one key at a time: find the first key, note its prefix, then ask for the first key
   * after every key under that prefix. For stores that ignore the delimiter below the first level
   * (s3rver's file store does), at one request a prefix.
   */
  const stepThroughPrefixes = async (prefix: string): Promise<string[]> => {
    const found: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const key = (await list({ prefix, marker, maxKeys: 1 })).Contents?.[0]?.Key;
      if (key === undefined) return found;
      const slash = key.indexOf('/', prefix.length);
      if (slash < 0) {
        marker = key;
        continue;
      }
      const next = key.slice(0, slash + 1);
      found.push(next);
      // '0' is the character after '/': every key under `next` sorts before this marker.
      marker = `${next.slice(0, -1)}0`;
    }
  };

  return {
    async prefixes(prefix) {
      const found: string[] = [];
      let marker: string | undefined;
      let anyKeys = false;
      for (;;) {
        const page = await list({ prefix, marker, delimiter: '/' });
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix && p.Prefix !== found.at(-1)) found.push(p.Prefix);
        const keys = (page.Contents ?? []).map((o) => o.Key!);
        anyKeys ||= keys.length > 0;
        if (!page.IsTruncated) break;
        marker =
          page.NextMarker ??
          [keys.at(-1), found.at(-1)]
            .filter((k) => k !== undefined)
            .sort()
            .at(-1);
        if (marker === undefined) break;
      }
      if (found.length > 0 || anyKeys) return found;
      // Nothing at all: the prefix is empty, or the store did not group nested keys (s3rver).
      return stepThroughPrefixes(prefix);
    },

    async *keys(prefix) {
      let marker: string | undefined;
      for (;;) {
        const page = await list({ prefix, marker });
        const keys = (page.Contents ?? []).map((o) => o.Key!);
        if (keys.length > 0) yield keys;
        if (!page.IsTruncated || keys.length === 0) return;
        marker = keys.at(-1);
      }
    },

    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH_KEYS) {
        const batch = keys.slice(i, i + DELETE_BATCH_KEYS);
        const answer = await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          })
        );
        const error = answer.Errors?.[0];
        if (error)
          throw new Error(
            `S3 did not delete ${error.Key} from bucket ${bucket} (${error.Code}: ${error.Message}); ${answer.Errors!.length} of ${batch.length} keys failed, the next pass tries again.`
          );
      }
      return keys.length;
    },
  };
}

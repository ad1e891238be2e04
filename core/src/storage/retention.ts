/**
 * How stored data expires: the one definition the schema (core/migrations), the processor, the
 * janitor and the query API share.
 *
 * Every row carries the retention, in days, of its project when it was written (`retention_days`).
 * A day's data (UTC) is kept `retention_days` days after that day ends: it expires at
 * `day + retention_days + 1` ({@link dayExpired}), and is then removed within a day:
 * - rows: the tables' TTL (`toDate(time) + retention_days + 1`) deletes them in merges, which
 *   ClickHouse runs on expired parts at least every `merge_with_ttl_timeout` (12 h); rows already
 *   expired when written are dropped at insert. Tables are partitioned by `(retention_days, month)`,
 *   so a question over a month of data reads one partition; a partition whose every day has expired
 *   is dropped whole by the janitor ({@link partitionExpired}). The cost: each TTL merge rewrites the
 *   parts of the oldest month that hold expired rows (daily partitions would drop days without
 *   rewriting, but made every question read 30 partitions a month: 3-10x slower, bench/README.md).
 * - payloads: the janitor deletes the day's S3 prefix (`<project>/payloads/YYYY/MM/DD/`).
 */
import { Tables } from './rows.js';

/** The tables whose rows expire, and the time column each one's partitions and TTL are keyed by. */
export const RETAINED_TABLES = [
  { table: Tables.RUNS, time: 'started_at' },
  { table: Tables.STEPS, time: 'started_at' },
  { table: Tables.DECISIONS, time: 'timestamp' },
  { table: Tables.ITEM_DECISIONS, time: 'timestamp' },
  { table: Tables.DELETIONS, time: 'deleted_at' },
] as const;

/** The column every retained row stores its retention in. */
export const RETENTION_COLUMN = 'retention_days';

/** One partition of a retained table. */
export interface RetentionPartition {
  retentionDays: number;
  /** `YYYY-MM` (UTC). */
  month: string;
}

const MS_PER_DAY = 86_400_000;

/** Reads `system.parts.partition` of a retained table, e.g. `(30,202612)`; undefined for another shape. */
export function parsePartition(text: string): RetentionPartition | undefined {
  const m = /^\((\d+),\s*(\d{4})(\d{2})\)$/.exec(text.trim());
  if (!m) return undefined;
  return { retentionDays: Number(m[1]), month: `${m[2]}-${m[3]}` };
}

/** The first moment (ms) at which every row of `day` kept `retentionDays` days has expired. */
export function dayExpiresAt(day: string, retentionDays: number): number {
  return Date.parse(`${day}T00:00:00Z`) + (retentionDays + 1) * MS_PER_DAY;
}

/** True when everything stored on `day` under a `retentionDays` retention has expired at `nowMs`. */
export function dayExpired(day: string, retentionDays: number, nowMs: number): boolean {
  return dayExpiresAt(day, retentionDays) <= nowMs;
}

/** True when every day of the partition's month has expired at `nowMs`: it can be dropped whole. */
export function partitionExpired(p: RetentionPartition, nowMs: number): boolean {
  const [year, month] = p.month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return dayExpired(lastDay, p.retentionDays, nowMs);
}

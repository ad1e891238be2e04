/**
 * How stored data expires: the one definition the schema (core/migrations), the processor, the
 * janitor and the query API share.
 *
 * Every row carries the retention, in days, of its project when it was written (`retention_days`),
 * and every table is partitioned by `(retention_days, toYYYYMMDD(<time>))`: all rows of a partition
 * expire at the same moment, so expiring them drops whole partitions and rewrites nothing. A day's
 * data is kept `retention_days` days after that day ends (UTC), then removed: within 24 hours of
 * its oldest row expiring. The same rule applies to the day's S3 prefix (`<project>/payloads/YYYY/MM/DD/`).
 * The tables also carry it as a TTL with `ttl_only_drop_parts`, so ClickHouse drops expired parts
 * by itself should no janitor run.
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
  /** `YYYY-MM-DD` (UTC). */
  day: string;
}

const MS_PER_DAY = 86_400_000;

/** Reads `system.parts.partition` of a retained table, e.g. `(30,20261204)`; undefined for another shape. */
export function parsePartition(text: string): RetentionPartition | undefined {
  const m = /^\((\d+),\s*(\d{4})(\d{2})(\d{2})\)$/.exec(text.trim());
  if (!m) return undefined;
  return { retentionDays: Number(m[1]), day: `${m[2]}-${m[3]}-${m[4]}` };
}

/** The first moment (ms) at which every row of `day` kept `retentionDays` days has expired. */
export function dayExpiresAt(day: string, retentionDays: number): number {
  return Date.parse(`${day}T00:00:00Z`) + (retentionDays + 1) * MS_PER_DAY;
}

/** True when everything stored on `day` under a `retentionDays` retention has expired at `nowMs`. */
export function dayExpired(day: string, retentionDays: number, nowMs: number): boolean {
  return dayExpiresAt(day, retentionDays) <= nowMs;
}

/** The newest day (`YYYY-MM-DD`) whose data has expired at `nowMs` under `retentionDays`. */
export function lastExpiredDay(retentionDays: number, nowMs: number): string {
  const today = Math.floor(nowMs / MS_PER_DAY) * MS_PER_DAY;
  return new Date(today - (retentionDays + 1) * MS_PER_DAY).toISOString().slice(0, 10);
}

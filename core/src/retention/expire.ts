/**
 * Removing what has outlived its retention (core/src/storage/retention.ts): whole partitions of
 * every retained table, and whole day prefixes of a project's objects. Nothing is rewritten: a
 * day's rows and objects go together, at most a day after the day's retention has passed.
 */
import { performance } from 'node:perf_hooks';
import {
  dayExpired,
  parsePartition,
  partitionExpired,
  RETAINED_TABLES,
  type RetentionPartition,
} from '../storage/retention.js';
import { dayPrefix } from '../storage/s3-keys.js';
import { dayRange, deleteUnder, projectDays } from './days.js';
import type { RetentionDeps } from './ports.js';
import { PAYLOAD_TABLES, activePartitionsQuery, anyRowWithin, dropPartition, execute, select } from './statements.js';

export interface DroppedPartition extends RetentionPartition {
  table: string;
  /** Rows the partition held (on a cluster, summed over every replica). */
  rows: number;
}

export interface PartitionDrop {
  partitions: DroppedPartition[];
  rows: number;
}

/**
 * Drops every partition of every retained table whose every day has expired under the partition's
 * own retention at `nowMs` (`partitionExpired`). A partition is `(retention_days, month)`: the rows
 * of every project stamped with that retention; the TTL removes its days as they expire, and once the
 * month's last day has, what is left (empty or not yet merged parts) goes whole. On a cluster the replicated
 * `<t>_local` tables are dropped ON CLUSTER, after reading the parts of every replica.
 */
export async function dropExpiredPartitions(deps: RetentionDeps, nowMs: number): Promise<PartitionDrop> {
  const result: PartitionDrop = { partitions: [], rows: 0 };
  for (const { table } of RETAINED_TABLES) {
    const parts = await select<{ partition: string; rows: number | string }>(
      deps.sql,
      activePartitionsQuery(table, deps.cluster)
    );
    for (const part of parts) {
      const partition = parsePartition(part.partition);
      if (partition === undefined || !partitionExpired(partition, nowMs)) continue;
      // Whatever its size (the server refuses partitions over 50 GB by default).
      await execute(deps.sql, dropPartition(table, partition, deps.cluster), { max_partition_size_to_drop: 0 });
      result.partitions.push({ table, ...partition, rows: Number(part.rows) });
      result.rows += Number(part.rows);
    }
  }
  return result;
}

export interface ObjectExpiry {
  /** Objects deleted. */
  objects: number;
  /** Days whose prefix was emptied. */
  days: string[];
  /** Expired days kept because rows of the project on that day still exist. */
  kept: string[];
  seconds: number;
}

/**
 * Deletes the objects of every day of the project that has expired under `days` at `nowMs`: the
 * day prefixes `<project>/payloads/YYYY/MM/DD/` are listed level by level and each expired one is
 * emptied in DeleteObjects batches. A day on which rows of the project that their own retention
 * still keeps exist (in decision_events, steps or runs, e.g. stamped with a longer retention not yet
 * rewritten) is kept and reported: those rows reference its span objects and the values stored by content that day.
 */
export async function expireObjects(
  deps: RetentionDeps,
  projectId: string,
  days: number,
  nowMs: number
): Promise<ObjectExpiry> {
  const started = performance.now();
  const result: ObjectExpiry = { objects: 0, days: [], kept: [], seconds: 0 };
  for (const day of await projectDays(deps.objects, projectId)) {
    // Oldest first: after the first day that has not expired, none has.
    if (!dayExpired(day, days, nowMs)) break;
    if (await rowsOnDay(deps, projectId, day, nowMs)) {
      result.kept.push(day);
      continue;
    }
    result.objects += await deleteUnder(deps.objects, dayPrefix(projectId, day));
    result.days.push(day);
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function rowsOnDay(deps: RetentionDeps, projectId: string, day: string, nowMs: number): Promise<boolean> {
  for (const t of PAYLOAD_TABLES)
    if ((await select(deps.sql, anyRowWithin(t, projectId, dayRange(day), nowMs))).length > 0) return true;
  return false;
}

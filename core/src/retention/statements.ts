/**
 * The SQL of deleting and expiring data: pure functions returning `{ query, query_params }`. Every
 * value is a bound parameter; table and cluster names come from constants or pass
 * {@link assertIdentifier}. Reads go to the plain table names (the Distributed tables on a
 * cluster); mutations (DELETE, DROP PARTITION) go to the replicated `<t>_local` tables ON CLUSTER.
 */
import { createHash } from 'node:crypto';
import { type ClusterTarget, LOCAL_SUFFIX, assertIdentifier } from '../storage/cluster.js';
import { RETAINED_TABLES, type RetentionPartition } from '../storage/retention.js';
import { Tables } from '../storage/rows.js';
import type { SqlClient, SqlSettings } from './ports.js';

export interface Statement {
  query: string;
  query_params: Record<string, unknown>;
}

/** One retained table and the time column its partitions are keyed by. */
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/**
 * The tables a run's rows live in, the run first: from then on the query API answers 410 for it (it
 * looks for a tombstone only when the run row is not there), and never shows half a run.
 */
export const RUN_TABLES: readonly RetainedTable[] = [
  Tables.RUNS,
  Tables.STEPS,
  Tables.DECISIONS,
  Tables.ITEM_DECISIONS,
].map((name) => RETAINED_TABLES.find((t) => t.table === name)!);

/** The tables whose rows point at payload objects (decision_events, steps, runs). */
export const PAYLOAD_TABLES: readonly RetainedTable[] = [Tables.DECISIONS, Tables.STEPS, Tables.RUNS].map((name) =>
  RETAINED_TABLES.find((t) => t.table === name)!
);

/** A time range, ms since the epoch: `from` inclusive, `to` exclusive. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** The table a mutation runs on: `t`, or `t_local ON CLUSTER c`. */
export function mutationTable(table: string, cluster?: ClusterTarget): string {
  if (cluster === undefined) return table;
  return `${table}${LOCAL_SUFFIX} ON CLUSTER ${assertIdentifier(cluster.cluster, 'ClickHouse cluster name')}`;
}

/**
 * Settings of an insert: on a cluster, synchronous through the Distributed table (see ClickHouseWriter);
 * and a block may span more than 100 partitions (one per retention and day: a project's whole history).
 */
export function insertSettings(cluster?: ClusterTarget): Record<string, number> {
  return { throw_on_max_partitions_per_insert_block: 0, ...(cluster ? { insert_distributed_sync: 1 } : {}) };
}

const RUN_WHERE = 'project_id = {projectId:String} AND run_id = {runId:String}';

function within(time: string, range: TimeRange | undefined): string {
  return range === undefined
    ? ''
    : ` AND ${time} >= fromUnixTimestamp64Milli({fromMs:Int64}) AND ${time} < fromUnixTimestamp64Milli({toMs:Int64})`;
}

/** The run's times (ms) and retention; no row when the project has no such run. */
export function runQuery(projectId: string, runId: string): Statement {
  return {
    query: `SELECT toUnixTimestamp64Milli(started_at) AS started_ms, toUnixTimestamp64Milli(ended_at) AS ended_ms,
            retention_days FROM runs FINAL WHERE ${RUN_WHERE} LIMIT 1`,
    query_params: { projectId, runId },
  };
}

/** The run's tombstone (FINAL: the row with the highest `done` wins); no row when it was never deleted. */
export function tombstoneQuery(projectId: string, runId: string): Statement {
  return {
    query: `SELECT toUnixTimestamp64Milli(deleted_at) AS deleted_ms, done, retention_days
            FROM deletions FINAL WHERE ${RUN_WHERE} LIMIT 1`,
    query_params: { projectId, runId },
  };
}

/** Tombstones of deletions that were started and never finished. */
export function pendingDeletionsQuery(startedBeforeMs: number): Statement {
  return {
    query: `SELECT project_id, run_id FROM deletions FINAL
            WHERE done = 0 AND deleted_at < fromUnixTimestamp64Milli({beforeMs:Int64}) ORDER BY deleted_at`,
    query_params: { beforeMs: Math.floor(startedBeforeMs) },
  };
}

export interface Tombstone {
  projectId: string;
  runId: string;
  deletedMs: number;
  /** 0 while the deletion is in progress, 1 once everything is gone. */
  done: 0 | 1;
  retentionDays: number;
}

/** Writes a tombstone (INSERT ... SELECT: bound parameters work there on every ClickHouse). */
export function insertTombstone(t: Tombstone): Statement {
  return {
    query: `INSERT INTO deletions (project_id, run_id, deleted_at, done, retention_days)
            SELECT {projectId:String}, {runId:String}, fromUnixTimestamp64Milli({deletedMs:Int64}, 'UTC'), {done:UInt8}, {retentionDays:UInt16}`,
    query_params: { ...t },
  };
}

/** How many rows (FINAL: each once) of one run a table holds, within `range` of its time column when given. */
export function countRunRows(t: RetainedTable, projectId: string, runId: string, range?: TimeRange): Statement {
  return {
    query: `SELECT count() AS n FROM ${t.table} FINAL WHERE ${RUN_WHERE}${within(t.time, range)}`,
    query_params: { projectId, runId, ...range },
  };
}

/** Removes one run's rows from a table (lightweight DELETE; `range` lets ClickHouse skip other days' partitions). */
export function deleteRunRows(
  t: RetainedTable,
  projectId: string,
  runId: string,
  range?: TimeRange,
  cluster?: ClusterTarget
): Statement {
  return {
    query: `DELETE FROM ${mutationTable(t.table, cluster)} WHERE ${RUN_WHERE}${within(t.time, range)}`,
    query_params: { projectId, runId, ...range },
  };
}

/** Rows of a project in a table, as stored (duplicates not yet merged included). */
export function countProjectRows(table: string, projectId: string): Statement {
  return {
    query: `SELECT count() AS n FROM ${table} WHERE project_id = {projectId:String}`,
    query_params: { projectId },
  };
}

/** Removes every row of a project from a table. */
export function deleteProjectRows(table: string, projectId: string, cluster?: ClusterTarget): Statement {
  return {
    query: `DELETE FROM ${mutationTable(table, cluster)} WHERE project_id = {projectId:String}`,
    query_params: { projectId },
  };
}

/** The active partitions of a table and their rows (on a cluster: of every replica, each counted). */
export function activePartitionsQuery(table: string, cluster?: ClusterTarget): Statement {
  if (cluster === undefined)
    return {
      query: `SELECT partition, sum(rows) AS rows FROM system.parts
              WHERE database = currentDatabase() AND table = {table:String} AND active GROUP BY partition ORDER BY partition`,
      query_params: { table },
    };
  return {
    query: `SELECT partition, sum(rows) AS rows
            FROM clusterAllReplicas(${assertIdentifier(cluster.cluster, 'ClickHouse cluster name')}, system.parts)
            WHERE database = {database:String} AND table = {table:String} AND active GROUP BY partition ORDER BY partition`,
    query_params: { database: cluster.database, table: table + LOCAL_SUFFIX },
  };
}

/** Drops one `(retention_days, YYYYMM)` partition of a table. */
export function dropPartition(table: string, p: RetentionPartition, cluster?: ClusterTarget): Statement {
  return {
    query: `ALTER TABLE ${mutationTable(table, cluster)} DROP PARTITION ({retentionDays:UInt16}, {month:UInt32})`,
    query_params: { retentionDays: p.retentionDays, month: Number(p.month.replace('-', '')) },
  };
}

/**
 * The retentions other than `days` a project's rows carry in a table. Cheap when there are none:
 * partitions of `days` are skipped by their key, and the rest by the project's sort key.
 */
export function otherStampsQuery(table: string, projectId: string, days: number): Statement {
  return {
    query: `SELECT DISTINCT retention_days FROM ${table}
            WHERE project_id = {projectId:String} AND retention_days != {days:UInt16} ORDER BY retention_days`,
    query_params: { projectId, days },
  };
}

/** How many of a project's rows carry `fromDays`, and a digest of them (what a copy's de-duplication token is derived from). */
export function stampDigestQuery(table: string, projectId: string, fromDays: number): Statement {
  return {
    query: `SELECT count() AS n, toString(sum(cityHash64(*))) AS digest
            FROM ${table} WHERE project_id = {projectId:String} AND retention_days = {fromDays:UInt16}`,
    query_params: { projectId, fromDays },
  };
}

export interface Restamp {
  table: string;
  projectId: string;
  fromDays: number;
  toDays: number;
  /** {@link stampDigestQuery}'s digest of the rows to copy. */
  digest: string;
}

/**
 * Copies a project's rows stamped `fromDays` with `toDays` instead. The de-duplication token is
 * derived from the table, project, both retentions and the rows' digest: a retried copy of the
 * same rows is dropped, while rows stamped `fromDays` later (a processor still caching the old
 * retention) make another digest and are copied. The rows are read in a subquery: in the outer
 * SELECT, `retention_days` would name the replacement.
 */
export function copyRestamped(r: Restamp): Statement {
  return {
    query: `INSERT INTO ${r.table} SELECT * REPLACE ({toDays:UInt16} AS retention_days)
            FROM (SELECT * FROM ${r.table} WHERE project_id = {projectId:String} AND retention_days = {fromDays:UInt16})`,
    query_params: { projectId: r.projectId, fromDays: r.fromDays, toDays: r.toDays },
  };
}

/** The de-duplication token of a {@link copyRestamped} insert. */
export function restampToken(r: Restamp): string {
  return createHash('sha256')
    .update(`restamp\n${r.table}\n${r.projectId}\n${r.fromDays}\n${r.toDays}\n${r.digest}`)
    .digest('hex');
}

/** Removes a project's rows stamped `fromDays` (after their copy). */
export function deleteStamped(table: string, projectId: string, fromDays: number, cluster?: ClusterTarget): Statement {
  return {
    query: `DELETE FROM ${mutationTable(table, cluster)} WHERE project_id = {projectId:String} AND retention_days = {fromDays:UInt16}`,
    query_params: { projectId, fromDays },
  };
}

/**
 * Whether the project has a row in `range` that its own retention still keeps at `nowMs` (rows
 * whose day has expired may wait for a TTL merge; they keep nothing).
 */
export function anyRowWithin(t: RetainedTable, projectId: string, range: TimeRange, nowMs: number): Statement {
  return {
    query: `SELECT 1 AS found FROM ${t.table} WHERE project_id = {projectId:String}${within(t.time, range)}
            AND toDate(${t.time}) + toIntervalDay(retention_days + 1) > toDate(fromUnixTimestamp64Milli({nowMs:Int64})) LIMIT 1`,
    query_params: { projectId, ...range, nowMs: Math.floor(nowMs) },
  };
}

/** Runs a statement. */
export async function execute(sql: SqlClient, s: Statement, settings?: SqlSettings): Promise<void> {
  await sql.command(s.query, s.query_params, settings);
}

/** The rows of a read. */
export function select<T>(sql: SqlClient, s: Statement): Promise<T[]> {
  return sql.rows<T>(s.query, s.query_params);
}

/** The number a `SELECT count() AS n` answered (64-bit integers may come back as text). */
export async function count(sql: SqlClient, s: Statement): Promise<number> {
  return Number((await select<{ n: number | string }>(sql, s))[0]?.n ?? 0);
}

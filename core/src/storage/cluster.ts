/**
 * The cluster form of the schema. core/migrations holds the one definition of the tables, in
 * single-node form; this module rewrites each statement for a ClickHouse cluster (shards ×
 * replicas, coordinated by ClickHouse Keeper):
 *
 * - `CREATE TABLE IF NOT EXISTS t (...) ENGINE = ReplacingMergeTree ...` becomes
 *   1. `t_local ON CLUSTER c`, engine `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/<db>/t_local', '{replica}')`,
 *      same columns, PARTITION BY, ORDER BY and settings (`non_replicated_deduplication_window`
 *      becomes `replicated_deduplication_window` of the same size: replicated tables de-duplicate
 *      inserts by `insert_deduplication_token` within it), and
 *   2. `t ON CLUSTER c AS t_local ENGINE = Distributed(c, <db>, t_local, <sharding key>)`, so the
 *      plain names the services insert into and query keep working unchanged.
 * - `ALTER TABLE t <column changes>` becomes the same ALTER `ON CLUSTER c` on `t_local`, then on `t`.
 *
 * Anything else throws: better no DDL than wrong DDL. Pure (no I/O); the processor runs the output.
 */
import { CLAUSES, MERGE_TREE_ENGINES, parseCreateTable } from './ddl-parse.js';
import { preview, splitTopLevel, stripComments } from './ddl-text.js';

/** A cluster to create the schema on: its name (as in `remote_servers`) and the database. */
export interface ClusterTarget {
  cluster: string;
  database: string;
}

/**
 * How rows are spread over shards. ReplacingMergeTree replaces duplicates only within one
 * shard (and `FINAL` only merges within one shard), so every copy of a row — a re-delivered span,
 * a retried insert — must land on the shard that holds the first copy: the key is a function of
 * the row's identity (its ORDER BY key) only, never of rand() or the insert time. Beyond that:
 * - runs and steps by `run_id`: a run and all its steps live on one shard, so "a run and its
 *   steps" is answered by one shard, and the identity (project_id, run_id[, step_id]) contains run_id.
 * - decision_events by `step_id`: the identity is (project_id, step_id, seq); one step's decisions
 *   (possibly thousands) stay together for the "decisions of a step" read, while a run with many
 *   steps spreads its decisions, the bulk of the data, over the shards.
 * - schema_migrations by `version`: the processor's bookkeeping, one row per applied migration.
 * - deletions (tombstones of deleted runs) by `run_id`, their identity.
 * A table missing here cannot get a cluster form: add it, with its reason.
 */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  runs: 'cityHash64(run_id)',
  steps: 'cityHash64(run_id)',
  decision_events: 'cityHash64(step_id)',
  item_decisions: 'cityHash64(item_id)',
  schema_migrations: 'cityHash64(version)',
  deletions: 'cityHash64(run_id)',
};

/** Suffix of the replicated table under each Distributed table. */
export const LOCAL_SUFFIX = '_local';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `value` is a plain identifier (safe to splice into DDL unquoted). */
export function assertIdentifier(value: string, what: string): string {
  if (!IDENTIFIER.test(value))
    throw new Error(`${what} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(value)}`);
  return value;
}

/** `CREATE DATABASE`, on every host of the cluster when there is one. */
export function createDatabaseStatement(database: string, cluster?: string): string {
  assertIdentifier(database, 'ClickHouse database name');
  if (cluster === undefined) return `CREATE DATABASE IF NOT EXISTS ${database}`;
  return `CREATE DATABASE IF NOT EXISTS ${database} ON CLUSTER ${assertIdentifier(cluster, 'ClickHouse cluster name')}`;
}

/** The statements to run for one single-node DDL statement: itself without a cluster, its cluster form with one. */
export function schemaStatements(sql: string, target?: ClusterTarget): string[] {
  return target === undefined ? [sql] : clusterStatements(sql, target);
}

/** The cluster form of one single-node DDL statement (see the module comment), in the order to run them. */
export function clusterStatements(sql: string, target: ClusterTarget, options: ClusterOptions = {}): string[] {
  const cluster = assertIdentifier(target.cluster, 'ClickHouse cluster name');
  const database = assertIdentifier(target.database, 'ClickHouse database name');
  const statement = stripComments(sql).trim().replace(/;\s*$/, '').trim();
  if (/^CREATE\s+TABLE\b/i.test(statement)) return createTable(statement, cluster, database, options);
  if (/^ALTER\s+TABLE\b/i.test(statement)) return alterTable(statement, cluster);
  throw new Error(
    `cluster DDL: unsupported statement (only CREATE TABLE IF NOT EXISTS and ALTER TABLE ... COLUMN are known): ${preview(statement)}`
  );
}

/** How one statement's cluster form differs from the default. */
export interface ClusterOptions {
  /** The replicated table's Keeper path under `/clickhouse/tables/{shard}/<db>/` (default: its name). */
  replicaPath?: string;
}

function createTable(statement: string, cluster: string, database: string, options: ClusterOptions): string[] {
  const t = parseCreateTable(statement);
  if (!/^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+[A-Za-z_][A-Za-z0-9_]*\s*\(/i.test(statement)) {
    throw new Error(`cluster DDL: ${t.table} already names a cluster; give the single-node form`);
  }
  if (!MERGE_TREE_ENGINES.has(t.engine))
    throw new Error(
      `cluster DDL: engine ${t.engine} of ${t.table} has no replicated form here (expected a *MergeTree)`
    );
  // A move's `<t>_next` table is sharded as `<t>`, which it becomes.
  const shardingKey = SHARDING_KEYS[t.table] ?? SHARDING_KEYS[t.table.replace(/_next$/, '')];
  if (shardingKey === undefined)
    throw new Error(
      `cluster DDL: no sharding key for table ${t.table}; add one to SHARDING_KEYS in core/src/storage/cluster.ts`
    );
  const local = t.table + LOCAL_SUFFIX;
  const replicationArgs = [
    `'/clickhouse/tables/{shard}/${database}/${assertIdentifier(options.replicaPath ?? local, 'Keeper path')}'`,
    `'{replica}'`,
    ...(t.engineArgs ? [t.engineArgs] : []),
  ];
  // The single-node de-duplication window becomes the replicated one, same size.
  const settings = t.settings.map(([name, value]): [string, string] => [
    name === 'non_replicated_deduplication_window' ? 'replicated_deduplication_window' : name,
    value,
  ]);
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${local} ON CLUSTER ${cluster}`,
    `(${t.body})`,
    `ENGINE = Replicated${t.engine}(${replicationArgs.join(', ')})`,
    ...CLAUSES.filter((c) => c !== 'SETTINGS' && t.clauses.has(c)).map((c) => `${c} ${t.clauses.get(c)}`),
    ...(settings.length > 0 ? [`SETTINGS ${settings.map(([n, v]) => `${n} = ${v}`).join(', ')}`] : []),
  ];
  return [
    lines.join('\n'),
    `CREATE TABLE IF NOT EXISTS ${t.table} ON CLUSTER ${cluster} AS ${local}\nENGINE = Distributed(${cluster}, ${database}, ${local}, ${shardingKey})`,
  ];
}

// Column changes apply to the replicated table and to the Distributed table over it (which has
// the same columns but no data, indexes or keys). Index, key, TTL or settings changes concern the
// replicated table only and are not supported here yet: they would fail on the Distributed table.
const COLUMN_ACTION = /^(ADD|DROP|MODIFY|COMMENT)\s+COLUMN\b/i;

function alterTable(statement: string, cluster: string): string[] {
  const m = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+(?!ON\s+CLUSTER\b)(.+)$/is.exec(statement);
  if (!m)
    throw new Error(`cluster DDL: expected "ALTER TABLE <table> <actions>" in single-node form: ${preview(statement)}`);
  const table = m[1]!;
  const actions = m[2]!.trim();
  for (const action of splitTopLevel(actions, ',')) {
    if (!COLUMN_ACTION.test(action.trim())) {
      throw new Error(
        `cluster DDL: unsupported ALTER action on ${table} (only ADD/DROP/MODIFY/COMMENT COLUMN are known): ${preview(action.trim())}`
      );
    }
  }
  if (SHARDING_KEYS[table] === undefined)
    throw new Error(
      `cluster DDL: no sharding key for table ${table}; add one to SHARDING_KEYS in core/src/storage/cluster.ts`
    );
  // The replicated table first: the Distributed table must never have a column its shards lack.
  return [
    `ALTER TABLE ${table}${LOCAL_SUFFIX} ON CLUSTER ${cluster}\n    ${actions}`,
    `ALTER TABLE ${table} ON CLUSTER ${cluster}\n    ${actions}`,
  ];
}

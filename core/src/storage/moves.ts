/**
 * Moving a table's data into a new shape (a `-- xray:move <table>` migration), on one server or a
 * cluster. The plan is pure; the processor's migrator runs it:
 *
 * 1. If the live table already has the new columns, the swap happened before an interruption:
 *    only `finish` is left (drop the old data, now under `<table>_next`; on a cluster, also point
 *    the Distributed table at the swapped replicated table again).
 * 2. Otherwise `prepare` (drop a partial copy left by an interrupted run, create `<table>_next`
 *    empty), `copy` (the migration's INSERT ... SELECT), `swap` (one atomic EXCHANGE TABLES), then
 *    `finish`.
 *
 * Interrupted anywhere, the next run starts again from 1 and ends in the same state; the old table
 * is dropped only after the new one holds the data under the live name. Writers must be stopped
 * while a move runs (rows written to the old table after the copy would be lost): the processor
 * migrates before it consumes, and the README says to stop older processors for such an upgrade.
 */
import { type ClusterTarget, LOCAL_SUFFIX, SHARDING_KEYS, assertIdentifier, clusterStatements } from './cluster.js';
import { parseCreateTable } from './ddl-parse.js';
import { type Migration, nextTable } from './migrations.js';

export interface MovePlan {
  table: string;
  /** The table whose columns tell whether the swap happened (the replicated one on a cluster). */
  checkTable: string;
  /** The column names of the new shape, in order. */
  columns: string[];
  prepare: string[];
  copy: string;
  swap: string[];
  finish: string[];
}

/** The statements that move `migration.move` into its new shape (see the module comment). */
export function movePlan(migration: Migration, target?: ClusterTarget): MovePlan {
  const table = migration.move;
  if (table === undefined) throw new Error(`migration ${migration.version}_${migration.name} is not a move`);
  const [create, copy] = migration.statements as [string, string];
  const next = nextTable(table);
  const columns = columnNames(create);
  if (target === undefined) {
    return {
      table,
      checkTable: table,
      columns,
      prepare: [`DROP TABLE IF EXISTS ${next} SYNC`, create],
      copy,
      swap: [`EXCHANGE TABLES ${table} AND ${next}`],
      finish: [`DROP TABLE IF EXISTS ${next} SYNC`],
    };
  }
  const cluster = assertIdentifier(target.cluster, 'ClickHouse cluster name');
  const database = assertIdentifier(target.database, 'ClickHouse database name');
  const on = `ON CLUSTER ${cluster}`;
  const drop = (t: string) => [
    `DROP TABLE IF EXISTS ${t} ${on} SYNC`,
    `DROP TABLE IF EXISTS ${t}${LOCAL_SUFFIX} ${on} SYNC`,
  ];
  const local = table + LOCAL_SUFFIX;
  return {
    table,
    checkTable: local,
    columns,
    // Each move's replicated table gets its own Keeper path: after the swap it lives on under the
    // table's name, and a later move must not collide with it.
    prepare: [...drop(next), ...clusterStatements(create, target, { replicaPath: `${local}_m${migration.version}` })],
    copy,
    swap: [`EXCHANGE TABLES ${local} AND ${next}${LOCAL_SUFFIX} ${on}`],
    finish: [
      // The Distributed table keeps the columns it was created with: make it again over the swapped table.
      `DROP TABLE IF EXISTS ${table} ${on} SYNC`,
      `CREATE TABLE IF NOT EXISTS ${table} ${on} AS ${local}\nENGINE = Distributed(${cluster}, ${database}, ${local}, ${SHARDING_KEYS[table]})`,
      ...drop(next),
    ],
  };
}

/** The column names a CREATE TABLE defines (not its indexes or projections). */
export function columnNames(create: string): string[] {
  return parseCreateTable(create)
    .columns.filter((c) => !/^(INDEX|PROJECTION|CONSTRAINT)\s/i.test(c))
    .map((c) => c.split(/\s/, 1)[0]!.replace(/^`|`$/g, ''));
}

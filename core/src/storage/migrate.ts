/**
 * Applies core/migrations to ClickHouse (the processor is the only migrator in a deployment). Plain migrations run
 * their statements in order (each written to be safe to run again); move migrations copy a table
 * into its new shape and swap it in (core/src/storage/moves.ts), finishing an interrupted move.
 */
import { type ClusterTarget, schemaStatements } from './cluster.js';
import { loadMigrations, type Migration, SCHEMA_MIGRATIONS_DDL, SCHEMA_MIGRATIONS_TABLE } from './migrations.js';
import { movePlan } from './moves.js';
import { DEFAULT_RETENTION_DAYS } from '../model/retention.js';

type Settings = Record<string, string | number | boolean | undefined>;

/** What migrating needs of a ClickHouse client (`@clickhouse/client`'s ClickHouseClient has it). */
export interface MigrationClient {
  command(params: {
    query: string;
    query_params?: Record<string, unknown>;
    clickhouse_settings?: Settings;
  }): Promise<unknown>;
  query(params: {
    query: string;
    query_params?: Record<string, unknown>;
    format: 'JSONEachRow';
  }): Promise<{ json<T>(): Promise<T[]> }>;
  insert(params: {
    table: string;
    values: object[];
    format: 'JSONEachRow';
    clickhouse_settings?: Settings;
  }): Promise<unknown>;
}

export interface MigrateOptions {
  /** Set when the schema lives on a cluster. */
  cluster?: ClusterTarget;
  /** Told each migration as it starts (a move can take minutes on a large store). */
  log?: (line: string) => void;
  /** The migrations to apply (default: core/migrations). */
  migrations?: Migration[];
  /**
   * The retention rows stored before migration 008 take (the deployment's XRAY_RETENTION_DAYS;
   * default {@link DEFAULT_RETENTION_DAYS}).
   */
  retentionDays?: number;
  /** Called before each statement runs (tests interrupt a move here). */
  beforeStatement?: (sql: string) => void | Promise<void>;
}

/** Applies the migrations not applied yet, in order; returns their versions. */
export async function migrate(client: MigrationClient, o: MigrateOptions = {}): Promise<number[]> {
  // The values a move's copy may use ({retentionDays:UInt16}); ClickHouse ignores unused ones.
  const query_params = { retentionDays: o.retentionDays ?? DEFAULT_RETENTION_DAYS };
  const run = async (query: string, settings: Settings = {}) => {
    await o.beforeStatement?.(query);
    await client.command({ query, query_params, clickhouse_settings: settings });
  };
  for (const query of schemaStatements(SCHEMA_MIGRATIONS_DDL, o.cluster)) await run(query);
  const result = await client.query({
    query: `SELECT version FROM ${SCHEMA_MIGRATIONS_TABLE} FINAL`,
    format: 'JSONEachRow',
  });
  const applied = new Set((await result.json<{ version: number }>()).map((r) => Number(r.version)));
  // Through a Distributed table, inserts reach their shard before the statement returns.
  const sync = o.cluster ? { insert_distributed_sync: 1 } : {};
  const done: number[] = [];
  for (const migration of o.migrations ?? loadMigrations()) {
    if (applied.has(migration.version)) continue;
    o.log?.(`migration ${migration.version} ${migration.name}${migration.move ? ` (moving ${migration.move})` : ''}`);
    if (migration.move !== undefined) await move(client, migration, run, sync, o.cluster);
    else for (const sql of migration.statements) for (const query of schemaStatements(sql, o.cluster)) await run(query);
    await client.insert({
      table: SCHEMA_MIGRATIONS_TABLE,
      values: [{ version: migration.version, name: migration.name }],
      format: 'JSONEachRow',
      clickhouse_settings: sync,
    });
    done.push(migration.version);
  }
  return done;
}

type Run = (query: string, settings?: Settings) => Promise<void>;

async function move(
  client: MigrationClient,
  migration: Migration,
  run: Run,
  sync: Settings,
  cluster: ClusterTarget | undefined
): Promise<void> {
  const plan = movePlan(migration, cluster);
  const result = await client.query({
    query: `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position`,
    query_params: { table: plan.checkTable },
    format: 'JSONEachRow',
  });
  const live = (await result.json<{ name: string }>()).map((r) => r.name);
  const swapped = live.length === plan.columns.length && live.every((name, i) => name === plan.columns[i]);
  if (!swapped) {
    for (const query of plan.prepare) await run(query);
    // A copy of every row: no time limit, rows stream through (no full result in memory), and a
    // block may span many days (one partition per retention and day).
    await run(plan.copy, { ...sync, max_execution_time: 0, throw_on_max_partitions_per_insert_block: 0 });
    for (const query of plan.swap) await run(query);
  }
  for (const query of plan.finish) await run(query);
}

import { createHash } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import {
  type ClusterTarget,
  createDatabaseStatement,
  loadMigrations,
  PAYLOAD_REF_FIELDS,
  SCHEMA_MIGRATIONS_DDL,
  SCHEMA_MIGRATIONS_TABLE,
  schemaStatements,
  type StorageSettings,
  Tables,
  type WriteBatch,
} from '@xray/core/storage';

export type ClickHouseOptions = StorageSettings['clickhouse'];

/** Writes batches of rows into the three tables; owns the schema (the only migrator). */
export class ClickHouseWriter {
  readonly #options: ClickHouseOptions;
  readonly #client: ClickHouseClient;
  /** Set when the schema lives on a cluster: replicated `<t>_local` tables under Distributed `<t>` ones. */
  readonly #cluster: ClusterTarget | undefined;

  constructor(options: ClickHouseOptions) {
    this.#options = options;
    this.#cluster = options.cluster ? { cluster: options.cluster, database: options.database } : undefined;
    this.#client = createClient({
      url: options.url,
      database: options.database,
      username: options.username,
      password: options.password,
      request_timeout: 60_000,
      // Rows are serialised once, in #insert, so the de-duplication token is derived from the very
      // bytes sent; the client passes those strings through instead of serialising them again.
      json: {
        parse: JSON.parse,
        stringify: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
      },
    });
  }

  /**
   * Creates the database and applies the numbered migrations not applied yet. Safe to run
   * concurrently. With a cluster, every statement runs ON CLUSTER (on every host, through Keeper),
   * in its cluster form from core/src/storage/cluster.ts; the tables keep their names for the app.
   */
  async migrate(): Promise<number[]> {
    const admin = createClient({
      url: this.#options.url,
      username: this.#options.username,
      password: this.#options.password,
    });
    try {
      await admin.command({ query: createDatabaseStatement(this.#options.database, this.#cluster?.cluster) });
    } finally {
      await admin.close();
    }
    for (const query of schemaStatements(SCHEMA_MIGRATIONS_DDL, this.#cluster)) await this.#client.command({ query });
    const result = await this.#client.query({
      query: `SELECT version FROM ${SCHEMA_MIGRATIONS_TABLE} FINAL`,
      format: 'JSONEachRow',
    });
    const applied = new Set((await result.json<{ version: number }>()).map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of loadMigrations()) {
      if (applied.has(migration.version)) continue;
      for (const query of schemaStatements(migration.sql, this.#cluster)) await this.#client.command({ query });
      await this.#client.insert({
        table: SCHEMA_MIGRATIONS_TABLE,
        values: [{ version: migration.version, name: migration.name }],
        format: 'JSONEachRow',
        // Through a Distributed table: written to its shard before this returns, so the next read sees it.
        ...(this.#cluster ? { clickhouse_settings: { insert_distributed_sync: 1 } } : {}),
      });
      done.push(migration.version);
    }
    return done;
  }

  /**
   * Inserts a batch's rows, one insert per table. Each insert carries a de-duplication token
   * derived from its bytes, so a retried insert of the same rows is a no-op, and the tables are
   * ReplacingMergeTree, so a re-delivered span is counted once when read with FINAL.
   *
   * On a cluster the same plain table names are the Distributed tables. The inserts are then
   * synchronous (`insert_distributed_sync`, called `distributed_foreground_insert` in newer
   * ClickHouse, which keeps the old name as an alias): the Distributed table splits the block by
   * sharding key and inserts each shard's part there before answering, carrying this insert's
   * settings, so the de-duplication token reaches the ReplicatedReplacingMergeTree on each shard;
   * a retry splits the same rows the same way, so each shard drops its repeated part. Synchronous
   * also means the rows are on the shards when we acknowledge the stream entry, not queued on the
   * one server we talked to (where a crash would lose acknowledged data).
   */
  async write(batch: WriteBatch): Promise<void> {
    await this.#insert([Tables.RUNS], batch.runs);
    await this.#insert([Tables.STEPS], batch.steps);
    // The same decision rows, by step (decision_events) and by item (item_decisions).
    await this.#insert([Tables.DECISIONS, Tables.ITEM_DECISIONS], batch.decisions);
  }

  /** Inserts the rows into each table; serialised once, with a token per table from the rows' bytes. */
  async #insert(tables: readonly string[], rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const hash = createHash('sha256');
    const lines = rows.map((row) => {
      const line = JSON.stringify(row);
      hash.update(line);
      return line;
    });
    const digest = hash.digest('hex');
    // Side by side: a server (or cluster) that runs inserts in parallel takes both at once.
    await Promise.all(
      tables.map((table) =>
        this.#client.insert({
          table,
          values: lines,
          format: 'JSONEachRow',
          clickhouse_settings: {
            insert_deduplication_token: createHash('sha256').update(`${table}\n${digest}`).digest('hex'),
            ...(this.#cluster ? { insert_distributed_sync: 1 } : {}),
            // Sent the same rows, item_decisions takes every column but the payload reference.
            ...(table === Tables.ITEM_DECISIONS ? { input_format_skip_unknown_fields: 1 } : {}),
          },
          ...(table === Tables.ITEM_DECISIONS ? { columns: { except: [...PAYLOAD_REF_FIELDS] } } : {}),
        })
      )
    );
  }

  /** True when ClickHouse answers. */
  async ping(): Promise<boolean> {
    return (await this.#client.ping()).success;
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

import { createHash } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { DEFAULT_RETENTION_DAYS } from '@xray/core/model';
import {
  type ClusterTarget,
  createDatabaseStatement,
  migrate,
  type MigrateOptions,
  ITEM_DECISION_COLUMNS,
  RETENTION_COLUMN,
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

  /** The retention of a project's rows, in days (default: {@link DEFAULT_RETENTION_DAYS} for every project). */
  readonly #retention: (projectId: string) => Promise<number>;

  constructor(options: ClickHouseOptions, retention?: (projectId: string) => Promise<number>) {
    this.#options = options;
    this.#retention = retention ?? (() => Promise.resolve(DEFAULT_RETENTION_DAYS));
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
   * Creates the database and applies the numbered migrations not applied yet (core/src/storage/migrate.ts). With a
   * cluster, every statement runs ON CLUSTER (on every host, through Keeper), in its cluster form
   * from core/src/storage/cluster.ts; the tables keep their names for the app.
   */
  async migrate(options: Omit<MigrateOptions, 'cluster'> = {}): Promise<number[]> {
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
    return migrate(this.#client, { ...options, cluster: this.#cluster });
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
    // Every row carries its project's retention (core/src/storage/retention.ts).
    const projects = new Set<string>();
    for (const rows of [batch.runs, batch.steps, batch.decisions]) for (const row of rows) projects.add(row.project_id);
    const days = new Map<string, number>();
    for (const project of projects) days.set(project, await this.#retention(project));
    await this.#insert([Tables.RUNS], batch.runs, days);
    await this.#insert([Tables.STEPS], batch.steps, days);
    // The same decision rows, by step (decision_events) and by item (item_decisions).
    await this.#insert([Tables.DECISIONS, Tables.ITEM_DECISIONS], batch.decisions, days);
  }

  /** Inserts the rows into each table; serialised once, with a token per table from the rows' bytes. */
  async #insert(
    tables: readonly string[],
    rows: readonly { project_id: string }[],
    retention: ReadonlyMap<string, number>
  ): Promise<void> {
    if (rows.length === 0) return;
    const hash = createHash('sha256');
    const lines = rows.map((row) => {
      // The row's JSON with one more field (cheaper than copying each row into a new object).
      const json = JSON.stringify(row);
      const line = `${json.slice(0, -1)},"${RETENTION_COLUMN}":${retention.get(row.project_id)}}`;
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
            // Tables have a partition per retention and day: a batch replaying old spans may span
            // more than the default 100 (ClickHouse then logs a warning instead of refusing it).
            throw_on_max_partitions_per_insert_block: 0,
            // Sent the same rows, item_decisions takes only its own columns.
            ...(table === Tables.ITEM_DECISIONS ? { input_format_skip_unknown_fields: 1 } : {}),
          },
          ...(table === Tables.ITEM_DECISIONS ? { columns: [...ITEM_DECISION_COLUMNS] as [string, ...string[]] } : {}),
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

import { createHash } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { loadMigrations, type StorageSettings, Tables, type WriteBatch } from '@xray/core';

export type ClickHouseOptions = StorageSettings['clickhouse'];

/** Writes batches of rows into the three tables; owns the schema (the only migrator). */
export class ClickHouseWriter {
  readonly #options: ClickHouseOptions;
  readonly #client: ClickHouseClient;

  constructor(options: ClickHouseOptions) {
    this.#options = options;
    this.#client = createClient({
      url: options.url,
      database: options.database,
      username: options.username,
      password: options.password,
      request_timeout: 60_000,
      // Rows are serialised once, in #insert, so the de-duplication token is derived from the very
      // bytes sent; the client passes those strings through instead of serialising them again.
      json: { parse: JSON.parse, stringify: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)) },
    });
  }

  /** Creates the database and applies the numbered migrations not applied yet. Safe to run concurrently. */
  async migrate(): Promise<number[]> {
    const admin = createClient({ url: this.#options.url, username: this.#options.username, password: this.#options.password });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${this.#options.database}` });
    } finally {
      await admin.close();
    }
    await this.#client.command({
      query: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now())
              ENGINE = ReplacingMergeTree ORDER BY version`,
    });
    const result = await this.#client.query({ query: 'SELECT version FROM schema_migrations FINAL', format: 'JSONEachRow' });
    const applied = new Set((await result.json<{ version: number }>()).map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of loadMigrations()) {
      if (applied.has(migration.version)) continue;
      await this.#client.command({ query: migration.sql });
      await this.#client.insert({ table: 'schema_migrations', values: [{ version: migration.version, name: migration.name }], format: 'JSONEachRow' });
      done.push(migration.version);
    }
    return done;
  }

  /**
   * Inserts a batch's rows, one insert per table. Each insert carries a de-duplication token
   * derived from its bytes, so a retried insert of the same rows is a no-op, and the tables are
   * ReplacingMergeTree, so a re-delivered span is counted once when read with FINAL.
   */
  async write(batch: WriteBatch): Promise<void> {
    await this.#insert(Tables.RUNS, batch.runs);
    await this.#insert(Tables.STEPS, batch.steps);
    await this.#insert(Tables.DECISIONS, batch.decisions);
  }

  async #insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const hash = createHash('sha256').update(table);
    const lines = rows.map((row) => {
      const line = JSON.stringify(row);
      hash.update(line);
      return line;
    });
    await this.#client.insert({
      table,
      values: lines,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: hash.digest('hex') },
    });
  }

  /** True when ClickHouse answers. */
  async ping(): Promise<boolean> {
    return (await this.#client.ping()).success;
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

/**
 * Migrations that move data, interrupted: stopped before any statement of a move (the copy, the
 * swap, dropping the old table), the next run finishes it and every row is there once, in the
 * new shape. Against the embedded ClickHouse.
 */
import { randomBytes } from 'node:crypto';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { loadMigrations, migrate } from '@xray/core/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

const OLD = loadMigrations().filter((m) => m.version <= 7);

async function oldStore(label: string): Promise<{ ch: ClickHouseClient; database: string }> {
  const database = `t_migrate_${label}_${randomBytes(4).toString('hex')}`;
  const admin = createClient({ url: inject('clickhouseUrl') });
  await admin.command({ query: `CREATE DATABASE ${database}` }).finally(() => admin.close());
  const ch = createClient({ url: inject('clickhouseUrl'), database });
  await migrate(ch, { migrations: OLD });
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const decisions = Array.from({ length: 500 }, (_, seq) => ({
    project_id: 'p',
    run_id: 'a'.repeat(32),
    step_id: String(seq % 5).repeat(16),
    seq,
    item_id: `item-${seq % 50}`,
    outcome: seq % 3 === 0 ? 'eliminated' : 'kept',
    reason: `reason ${seq % 7}`,
    reason_code: `R${seq % 7}`,
    score: seq / 500,
    timestamp: at(now - seq * 1000),
    payload_key: 'k',
    payload_offset: 0,
    payload_length: 1,
  }));
  await ch.insert({ table: 'decision_events', values: decisions, format: 'JSONEachRow' });
  await ch.insert({
    table: 'runs',
    values: [
      { project_id: 'p', run_id: 'a'.repeat(32), pipeline: 'x', status: 'ok', started_at: at(now), ended_at: at(now) },
    ],
    format: 'JSONEachRow',
  });
  return { ch, database };
}

const count = async (ch: ClickHouseClient, table: string) =>
  Number(
    (
      await (
        await ch.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' })
      ).json<{ n: string }>()
    )[0]!.n
  );

describe('a migration that moves data, interrupted', () => {
  const stores: { ch: ClickHouseClient; database: string }[] = [];
  afterAll(async () => {
    for (const { ch, database } of stores)
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).finally(() => ch.close());
  });

  // Every kind of statement a move runs, at the move of decision_events (010) and item_decisions (011).
  const points = [
    { label: 'before_copy', match: /^INSERT INTO decision_events_next/ },
    { label: 'before_swap', match: /^EXCHANGE TABLES decision_events AND/ },
    { label: 'before_drop', match: /^DROP TABLE IF EXISTS decision_events_next/, nth: 2 },
    { label: 'before_item_copy', match: /^INSERT INTO item_decisions_next/ },
  ];
  for (const point of points) {
    it(`stopped ${point.label.replace(/_/g, ' ')}, finishes when run again`, async () => {
      const store = await oldStore(point.label);
      stores.push(store);
      let seen = 0;
      await expect(
        migrate(store.ch, {
          beforeStatement: (sql) => {
            if (point.match.test(sql) && ++seen === (point.nth ?? 1)) throw new Error('killed here');
          },
        })
      ).rejects.toThrow('killed here');
      const applied = await migrate(store.ch);
      expect(applied.length).toBeGreaterThan(0);
      expect(await count(store.ch, 'decision_events')).toBe(500);
      expect(await count(store.ch, 'item_decisions')).toBe(500);
      expect(await count(store.ch, 'runs')).toBe(1);
      const tables = await (
        await store.ch.query({
          query: `SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name`,
          format: 'JSONEachRow',
        })
      ).json<{ name: string }>();
      // No copy left behind.
      expect(tables.map((t) => t.name)).toEqual([
        'decision_events',
        'deletions',
        'item_decisions',
        'runs',
        'schema_migrations',
        'steps',
      ]);
      // The new shape, with the deployment's retention on the rows stored before.
      const [row] = await (
        await store.ch.query({
          query: `SELECT min(retention_days) AS lo, max(retention_days) AS hi FROM decision_events`,
          format: 'JSONEachRow',
        })
      ).json<{ lo: number; hi: number }>();
      expect([row!.lo, row!.hi]).toEqual([30, 30]);
      expect(await migrate(store.ch)).toEqual([]);
    });
  }
});

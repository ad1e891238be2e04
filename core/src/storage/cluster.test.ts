import { describe, expect, it } from 'vitest';
import { clusterStatements, createDatabaseStatement, schemaStatements, SHARDING_KEYS } from './cluster.js';
import { parseCreateTable } from './ddl-parse.js';
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import { movePlan } from './moves.js';
import { readStorageSettings } from './settings.js';

// Static checks of the generated cluster DDL: no ClickHouse cluster (shards, replicas, Keeper)
// runs in this repository's tests, so these pin the text we would send, parsed back and compared
// with the single-node DDL in core/migrations. The single-node path itself runs for real against
// the embedded ClickHouse in processor/src/processor.test.ts.

const target = { cluster: 'xray_cluster', database: 'xray' };

// The sharding key each table must get: a function of the row's identity (its ORDER BY), so every
// copy of a row lands on one shard and ReplacingMergeTree / FINAL stay exact per shard.
const expectedKeys: Record<string, { key: string; column: string }> = {
  runs: { key: 'cityHash64(run_id)', column: 'run_id' },
  steps: { key: 'cityHash64(run_id)', column: 'run_id' },
  decision_events: { key: 'cityHash64(step_id)', column: 'step_id' },
  item_decisions: { key: 'cityHash64(item_id)', column: 'item_id' },
  schema_migrations: { key: 'cityHash64(version)', column: 'version' },
  deletions: { key: 'cityHash64(run_id)', column: 'run_id' },
};

const DISTRIBUTED =
  /^CREATE TABLE IF NOT EXISTS (\w+) ON CLUSTER (\w+) AS (\w+)\s+ENGINE = Distributed\((\w+), (\w+), (\w+), (.+)\)$/;

function checkCreate(name: string, sql: string) {
  const single = parseCreateTable(sql);
  const statements = clusterStatements(sql, target);
  expect(statements, name).toHaveLength(2);
  const [localSql, distributedSql] = statements as [string, string];

  // (a) the replicated table, under <t>_local, on every host of the cluster
  expect(localSql).toMatch(
    new RegExp(`^CREATE TABLE IF NOT EXISTS ${single.table}_local ON CLUSTER xray_cluster\\s*\\(`)
  );
  const local = parseCreateTable(localSql);
  expect(local.table).toBe(`${single.table}_local`);
  expect(local.engine).toBe(`Replicated${single.engine}`);
  expect(local.engineArgs).toBe(
    `'/clickhouse/tables/{shard}/xray/${single.table}_local', '{replica}'${single.engineArgs ? `, ${single.engineArgs}` : ''}`
  );
  expect(local.columns).toEqual(single.columns);
  expect(local.clauses.get('PARTITION BY')).toBe(single.clauses.get('PARTITION BY'));
  expect(local.clauses.get('ORDER BY')).toBe(single.clauses.get('ORDER BY'));
  expect(local.clauses).toEqual(single.clauses);
  // Replicated tables de-duplicate inserts themselves; the non-replicated window must not be carried over.
  // The de-duplication window keeps its size, as the replicated setting.
  expect(local.settings).toEqual(
    single.settings.map(([n, v]) => [
      n === 'non_replicated_deduplication_window' ? 'replicated_deduplication_window' : n,
      v,
    ])
  );
  expect(localSql).not.toContain('non_replicated_deduplication_window');

  // (b) the Distributed table with the plain name, over the replicated one, sharded by identity
  const d = DISTRIBUTED.exec(distributedSql);
  expect(d, distributedSql).not.toBeNull();
  const [, table, cluster, as, engineCluster, database, underlying, key] = d!;
  expect({ table, cluster, as, engineCluster, database, underlying, key }).toEqual({
    table: single.table,
    cluster: 'xray_cluster',
    as: `${single.table}_local`,
    engineCluster: 'xray_cluster',
    database: 'xray',
    underlying: `${single.table}_local`,
    key: expectedKeys[single.table]!.key,
  });
  // The key's column is part of the identity, so duplicates of a row always share a shard.
  expect(single.clauses.get('ORDER BY')).toContain(expectedKeys[single.table]!.column);
  return single.table;
}

describe('cluster DDL for every migration in core/migrations', () => {
  const migrations = loadMigrations();

  it('covers the migrations we have', () => {
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(migrations.filter((m) => m.move).map((m) => m.move)).toEqual([
      'runs',
      'steps',
      'decision_events',
      'item_decisions',
    ]);
  });

  for (const migration of migrations.filter((m) => m.move === undefined)) {
    it(`${String(migration.version).padStart(3, '0')}_${migration.name}`, () => {
      expect(migration.statements).toHaveLength(1);
      const sql = migration.statements[0]!;
      const statements = clusterStatements(sql, target);
      for (const s of statements) expect(s).toContain('ON CLUSTER xray_cluster');
      if (/^\s*CREATE TABLE/im.test(sql)) {
        checkCreate(migration.name, sql);
      } else {
        // ALTER: the same actions, on the replicated table first, then on the Distributed one.
        const single = /ALTER TABLE (\w+)\s+([\s\S]+)$/.exec(sql.trim());
        expect(single, 'a migration is a CREATE TABLE or an ALTER TABLE').not.toBeNull();
        const [, table, actions] = single!;
        expect(statements).toHaveLength(2);
        const parsed = statements.map((s) => /^ALTER TABLE (\w+) ON CLUSTER (\w+)\s+([\s\S]+)$/.exec(s));
        expect(parsed.map((p) => [p?.[1], p?.[2], p?.[3]?.trim()])).toEqual([
          [`${table}_local`, 'xray_cluster', actions!.trim()],
          [table, 'xray_cluster', actions!.trim()],
        ]);
      }
    });
  }

  for (const migration of migrations.filter((m) => m.move !== undefined)) {
    it(`${String(migration.version).padStart(3, '0')}_${migration.name} (a move)`, () => {
      const table = migration.move!;
      const plan = movePlan(migration, target);
      expect(plan.checkTable).toBe(`${table}_local`);
      // A partial copy of an interrupted run is dropped, then the new shape is created, sharded as the table.
      expect(plan.prepare.slice(0, 2)).toEqual([
        `DROP TABLE IF EXISTS ${table}_next ON CLUSTER xray_cluster SYNC`,
        `DROP TABLE IF EXISTS ${table}_next_local ON CLUSTER xray_cluster SYNC`,
      ]);
      const local = parseCreateTable(plan.prepare[2]!);
      expect(local.table).toBe(`${table}_next_local`);
      // Its own Keeper path: after the swap it lives on as <table>_local.
      expect(local.engineArgs).toBe(
        `'/clickhouse/tables/{shard}/xray/${table}_local_m${migration.version}', '{replica}'`
      );
      expect(plan.prepare[3]).toContain(
        `ENGINE = Distributed(xray_cluster, xray, ${table}_next_local, ${SHARDING_KEYS[table]})`
      );
      expect(plan.swap).toEqual([`EXCHANGE TABLES ${table}_local AND ${table}_next_local ON CLUSTER xray_cluster`]);
      // The Distributed table is made again over the swapped table, and the old data dropped.
      expect(plan.finish[0]).toBe(`DROP TABLE IF EXISTS ${table} ON CLUSTER xray_cluster SYNC`);
      expect(plan.finish[1]).toContain(
        `ENGINE = Distributed(xray_cluster, xray, ${table}_local, ${SHARDING_KEYS[table]})`
      );
      expect(plan.finish.slice(2)).toEqual(plan.prepare.slice(0, 2));
      // The single-node plan: the same copy, one EXCHANGE, no Distributed tables.
      const single = movePlan(migration);
      expect(single.swap).toEqual([`EXCHANGE TABLES ${table} AND ${table}_next`]);
      expect(single.copy).toBe(plan.copy);
      expect(single.columns).toContain('retention_days');
    });
  }

  it('creates each table of the data model, sharded by the documented key', () => {
    const created = migrations
      .filter((m) => m.move === undefined && /^CREATE TABLE/.test(m.statements[0]!))
      .map((m) => parseCreateTable(m.statements[0]!).table);
    expect(created.sort()).toEqual(['decision_events', 'deletions', 'item_decisions', 'runs', 'steps']);
    for (const t of created) expect(SHARDING_KEYS[t]).toBe(expectedKeys[t]!.key);
  });

  it('gives the schema_migrations bookkeeping table a replicated form too', () => {
    expect(checkCreate('schema_migrations', SCHEMA_MIGRATIONS_DDL)).toBe('schema_migrations');
    expect(clusterStatements(SCHEMA_MIGRATIONS_DDL, target)[0]).toContain('ENGINE = ReplicatedReplacingMergeTree(');
  });

  it('uses the configured cluster and database names', () => {
    const [local, dist] = clusterStatements(migrations[0]!.statements[0]!, {
      cluster: 'analytics',
      database: 'xray_prod',
    }) as [string, string];
    expect(local).toContain('runs_local ON CLUSTER analytics');
    expect(local).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/xray_prod/runs_local', '{replica}')"
    );
    expect(dist).toContain('ENGINE = Distributed(analytics, xray_prod, runs_local, cityHash64(run_id))');
  });
});

describe('the single-node path', () => {
  it('runs each migration as written when no cluster is set', () => {
    for (const m of loadMigrations()) for (const sql of m.statements) expect(schemaStatements(sql)).toEqual([sql]);
    expect(schemaStatements(SCHEMA_MIGRATIONS_DDL)).toEqual([SCHEMA_MIGRATIONS_DDL]);
  });

  it('creates the database on one server or on the cluster', () => {
    expect(createDatabaseStatement('xray')).toBe('CREATE DATABASE IF NOT EXISTS xray');
    expect(createDatabaseStatement('xray', 'xray_cluster')).toBe(
      'CREATE DATABASE IF NOT EXISTS xray ON CLUSTER xray_cluster'
    );
  });
});

describe('what the cluster form refuses', () => {
  const runs = loadMigrations()[0]!.statements[0]!;

  it.each(['', 'my-cluster', 'a b', 'c; DROP TABLE runs', '1st', "c'"])('cluster name %j', (cluster) => {
    expect(() => clusterStatements(runs, { cluster, database: 'xray' })).toThrow(
      /cluster name must be a plain identifier/
    );
    if (cluster !== '')
      expect(() => createDatabaseStatement('xray', cluster)).toThrow(/cluster name must be a plain identifier/);
  });

  it('a bad database name', () => {
    expect(() => clusterStatements(runs, { cluster: 'c', database: 'x-ray' })).toThrow(
      /database name must be a plain identifier/
    );
  });

  it.each([
    ['another statement', 'DROP TABLE runs', /unsupported statement/],
    ['a view', 'CREATE MATERIALIZED VIEW v TO runs AS SELECT * FROM steps', /unsupported statement/],
    [
      'CREATE without IF NOT EXISTS',
      'CREATE TABLE runs (a String) ENGINE = ReplacingMergeTree ORDER BY a',
      /IF NOT EXISTS/,
    ],
    ['a non-MergeTree engine', 'CREATE TABLE IF NOT EXISTS runs (a String) ENGINE = Log', /engine Log/],
    [
      'a table without a sharding key',
      'CREATE TABLE IF NOT EXISTS other (a String) ENGINE = ReplacingMergeTree ORDER BY a',
      /no sharding key for table other/,
    ],
    [
      'an unknown clause',
      'CREATE TABLE IF NOT EXISTS runs (a String) ENGINE = ReplacingMergeTree WHATEVER a ORDER BY a',
      /unknown clause/,
    ],
    [
      'a statement already on a cluster',
      'CREATE TABLE IF NOT EXISTS runs ON CLUSTER c (a String) ENGINE = ReplacingMergeTree ORDER BY a',
      /already names a cluster/,
    ],
    [
      'an index change',
      'ALTER TABLE steps ADD INDEX idx_name name TYPE bloom_filter GRANULARITY 1',
      /unsupported ALTER action/,
    ],
    ['a mixed ALTER', 'ALTER TABLE steps ADD COLUMN x UInt8, MODIFY ORDER BY (project_id)', /unsupported ALTER action/],
    ['an ALTER already on a cluster', 'ALTER TABLE steps ON CLUSTER c ADD COLUMN x UInt8', /single-node form/],
    ['an ALTER of an unknown table', 'ALTER TABLE other ADD COLUMN x UInt8', /no sharding key for table other/],
  ])('%s', (_, sql, error) => {
    expect(() => clusterStatements(sql, target)).toThrow(error);
  });

  it('is not misled by comments, strings or nested parentheses', () => {
    const sql = `-- a comment with ORDER BY x and a ( paren
CREATE TABLE IF NOT EXISTS runs
(
    run_id String DEFAULT 'a, b) ORDER BY c', /* SETTINGS in a block comment */
    t      Tuple(a UInt8, b String),
    v      UInt64
)
ENGINE = ReplacingMergeTree(v)
ORDER BY (run_id, tupleElement(t, 1))
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 10000`;
    const single = parseCreateTable(sql);
    expect(single.columns).toEqual([
      "run_id String DEFAULT 'a, b) ORDER BY c'",
      't Tuple(a UInt8, b String)',
      'v UInt64',
    ]);
    expect([...single.clauses]).toEqual([['ORDER BY', '(run_id, tupleElement(t, 1))']]);
    const [local] = clusterStatements(sql, target) as [string];
    expect(local).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/xray/runs_local', '{replica}', v)"
    );
    expect(local).toMatch(/SETTINGS index_granularity = 8192, replicated_deduplication_window = 10000$/);
    expect(parseCreateTable(local).columns).toEqual(single.columns);
  });
});

describe('CLICKHOUSE_CLUSTER', () => {
  it('is unset or empty for one server', () => {
    expect(readStorageSettings({}).clickhouse.cluster).toBeUndefined();
    expect(readStorageSettings({ CLICKHOUSE_CLUSTER: '' }).clickhouse.cluster).toBeUndefined();
  });

  it('names the cluster', () => {
    expect(readStorageSettings({ CLICKHOUSE_CLUSTER: 'xray_cluster' }).clickhouse.cluster).toBe('xray_cluster');
  });

  it('must be a plain identifier', () => {
    expect(() => readStorageSettings({ CLICKHOUSE_CLUSTER: 'my-cluster' })).toThrow(
      /CLICKHOUSE_CLUSTER must be a plain identifier.*"my-cluster"/
    );
  });
});

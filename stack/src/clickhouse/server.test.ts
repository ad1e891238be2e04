import { createClient } from '@clickhouse/client';
import { describe, expect, inject, it } from 'vitest';

// The embedded ClickHouse behind ClickHouse's HTTP interface, as the real client sees it.
const url = inject('clickhouseUrl');

describe('embedded ClickHouse over HTTP', () => {
  it('answers /ping like a ClickHouse server', async () => {
    const res = await fetch(`${url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Ok.\n');
  });

  it('reports errors as ClickHouse does: non-200, Code: N. DB::Exception, and the code header', async () => {
    const res = await fetch(`${url}/?query=${encodeURIComponent('SELECT * FROM no_such_table_here')}`);
    expect(res.status).not.toBe(200);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*no_such_table_here/);
  });

  it('binds parameters instead of splicing them into SQL, and honours the database parameter', async () => {
    const admin = createClient({ url });
    await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS t_chserver' });
    const db = createClient({ url, database: 't_chserver' });
    try {
      await db.command({
        query:
          'CREATE TABLE IF NOT EXISTS t (k String, v UInt32) ENGINE = ReplacingMergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100',
      });
      await db.insert({ table: 't', values: [{ k: "it's", v: 1 }], format: 'JSONEachRow' });
      const rows = await (
        await db.query({
          query: 'SELECT v, currentDatabase() AS d FROM t WHERE k = {k:String}',
          query_params: { k: "it's" },
          format: 'JSONEachRow',
        })
      ).json();
      expect(rows).toEqual([{ v: 1, d: 't_chserver' }]);
      const none = await (
        await db.query({
          query: 'SELECT count() AS c FROM t WHERE k = {k:String}',
          query_params: { k: "x' OR '1'='1" },
          format: 'JSONEachRow',
        })
      ).json<{ c: number | string }>();
      expect(Number(none[0]!.c)).toBe(0);
    } finally {
      await admin.command({ query: 'DROP DATABASE IF EXISTS t_chserver' });
      await Promise.all([admin.close(), db.close()]);
    }
  });

  it('applies settings sent as URL parameters: a repeated insert de-duplication token is a no-op', async () => {
    const admin = createClient({ url });
    await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS t_chdedup' });
    const db = createClient({ url, database: 't_chdedup' });
    try {
      await db.command({
        query:
          'CREATE TABLE t (k String) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100',
      });
      for (const k of ['a', 'b'])
        await db.insert({
          table: 't',
          values: [{ k }],
          format: 'JSONEachRow',
          clickhouse_settings: { insert_deduplication_token: 'same' },
        });
      const rows = await (await db.query({ query: 'SELECT k FROM t', format: 'JSONEachRow' })).json();
      expect(rows).toEqual([{ k: 'a' }]);
    } finally {
      await admin.command({ query: 'DROP DATABASE IF EXISTS t_chdedup' });
      await Promise.all([admin.close(), db.close()]);
    }
  });
});

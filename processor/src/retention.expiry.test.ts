import { dropExpiredPartitions, expireObjects, restampProject, type SqlClient } from '@xray/core/retention';
import { dayPrefix, RETAINED_TABLES } from '@xray/core/storage';
import { describe, expect, it } from 'vitest';
import {
  ch,
  DAY_MS,
  deps,
  keysUnder,
  project,
  putObjects,
  rowCounts,
  stamps,
  useRetentionStorage,
  writeRun,
} from './janitor.fixture.js';

useRetentionStorage();

const NOW = Date.now();
const OLD = NOW - 10 * DAY_MS;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const none = { runs: 0, steps: 0, decision_events: 0, item_decisions: 0, deletions: 0 };
const whole = { runs: 1, steps: 1, decision_events: 3, item_decisions: 3 };

/** A tombstone of a run deleted at `atMs`, stamped `days`. */
async function tombstone(projectId: string, atMs: number, days: number): Promise<void> {
  await ch.insert({
    table: 'deletions',
    values: [
      {
        project_id: projectId,
        run_id: 'f'.repeat(32),
        deleted_at: new Date(atMs).toISOString().replace('T', ' ').slice(0, 23),
        done: 1,
        retention_days: days,
      },
    ],
    format: 'JSONEachRow',
  });
}

/** The retentions a run's rows carry, over every table. */
async function retentionsOf(runId: string): Promise<number[]> {
  const result = await ch.query({
    query: `SELECT DISTINCT retention_days AS d FROM runs WHERE run_id = {r:String}
            UNION DISTINCT SELECT DISTINCT retention_days FROM decision_events WHERE run_id = {r:String}`,
    query_params: { r: runId },
    format: 'JSONEachRow',
  });
  return (await result.json<{ d: number }>()).map((r) => Number(r.d)).sort();
}

describe('a shortened retention', () => {
  it('removes the project’s old rows and day prefixes, and leaves its newer data and other projects alone', async () => {
    const [a, b] = [project('short'), project('long')];
    stamps.set(a, 3650).set(b, 3650);
    const aOld = await writeRun(a, OLD);
    const aNew = await writeRun(a, NOW);
    const bOld = await writeRun(b, OLD);
    await tombstone(a, OLD, 3650);
    await tombstone(b, OLD, 3650);
    expect((await keysUnder(dayPrefix(a, day(OLD)))).length).toBe(3);

    // The project's retention becomes 1 day: the stored rows take it (the old ones are dropped at insert).
    stamps.set(a, 1);
    expect((await restampProject(deps, a, 1)).changes).toHaveLength(RETAINED_TABLES.length);
    await dropExpiredPartitions(deps, NOW);
    for (const { table } of RETAINED_TABLES) await ch.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    const expired = await expireObjects(deps, a, 1, NOW);

    expect(expired).toMatchObject({ objects: 3, days: [day(OLD)], kept: [] });
    expect(await rowCounts(a, aOld.runId)).toEqual(none);
    expect(await rowCounts(a, aNew.runId)).toEqual({ ...whole, deletions: 0 });
    expect(await retentionsOf(aNew.runId)).toEqual([1]);
    expect(await keysUnder(dayPrefix(a, day(OLD)))).toEqual([]);
    expect((await keysUnder(dayPrefix(a, day(NOW)))).length).toBe(3);
    // The other project's data of the same age is untouched.
    expect(await rowCounts(b)).toEqual({ ...whole, deletions: 1 });
    expect(await retentionsOf(bOld.runId)).toEqual([3650]);
    expect((await keysUnder(dayPrefix(b, day(OLD)))).length).toBe(3);
    expect(await restampProject(deps, a, 1)).toEqual({ rows: 0, changes: [] });
  });

  it('a rewrite interrupted between copy and delete completes when run again', async () => {
    const c = project('resumed');
    stamps.set(c, 30);
    const run = await writeRun(c, NOW);
    const failing: SqlClient = {
      rows: (q, p) => deps.sql.rows(q, p),
      command: (q, p, s) =>
        q.startsWith('DELETE') ? Promise.reject(new Error('interrupted')) : deps.sql.command(q, p, s),
    };
    await expect(restampProject({ ...deps, sql: failing }, c, 90)).rejects.toThrow('interrupted');
    expect(await restampProject(deps, c, 90)).toMatchObject({
      changes: ['runs', 'steps', 'decision_events', 'item_decisions'].map((t) => `${t} 30→90`),
    });
    expect(await rowCounts(c, run.runId)).toEqual({ ...whole, deletions: 0 });
    expect(await retentionsOf(run.runId)).toEqual([90]);
  });
});

describe('expiring objects', () => {
  it('keeps an expired day whose rows still exist (stamped with a longer retention)', async () => {
    const c = project('kept');
    stamps.set(c, 3650);
    await writeRun(c, OLD);
    expect(await expireObjects(deps, c, 1, NOW)).toMatchObject({ objects: 0, days: [], kept: [day(OLD)] });
    expect((await keysUnder(dayPrefix(c, day(OLD)))).length).toBe(3);
  });

  it('deletes more than 1,000 objects of a day, in batches', async ({ annotate }) => {
    const d = project('many');
    await putObjects(`${dayPrefix(d, day(OLD))}0123456789abcdef0123456789abcdef/`, 1500);
    await putObjects(`${dayPrefix(d, day(OLD))}sha256/`, 20);
    await putObjects(`${dayPrefix(d, day(NOW))}0123456789abcdef0123456789abcdef/`, 2);
    const expired = await expireObjects(deps, d, 1, NOW);
    expect(expired).toMatchObject({ objects: 1520, days: [day(OLD)], kept: [] });
    expect(await keysUnder(`${d}/`)).toHaveLength(2);
    await annotate(
      `${expired.objects} objects in ${expired.seconds.toFixed(2)} s (${Math.round(expired.objects / expired.seconds)}/s)`
    );
  });
});

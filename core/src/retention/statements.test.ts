import { describe, expect, it } from 'vitest';
import { RETAINED_TABLES } from '../storage/retention.js';
import { daysWithin, dayRange, isDay, runRange } from './days.js';
import {
  RUN_TABLES,
  activePartitionsQuery,
  copyRestamped,
  deleteRunRows,
  deleteStamped,
  dropPartition,
  insertTombstone,
  restampToken,
  otherStampsQuery,
} from './statements.js';

// The SQL text we send: no ClickHouse cluster runs in this repository's tests, so the cluster form
// is pinned here; the single-node form runs for real in processor/src/retention.*.test.ts.

const cluster = { cluster: 'xray_cluster', database: 'xray' };
const decisions = RETAINED_TABLES.find((t) => t.table === 'decision_events')!;
const day = Date.parse('2026-12-04T00:00:00Z');

describe('run deletion SQL', () => {
  it('removes the run row first (the run then answers 410), then steps and both decision tables', () => {
    expect(RUN_TABLES.map((t) => t.table)).toEqual(['runs', 'steps', 'decision_events', 'item_decisions']);
  });

  it('limits a run delete to its time range, so ClickHouse skips other partitions', () => {
    const s = deleteRunRows(decisions, 'p', 'r', { fromMs: day, toMs: day + 1 });
    expect(s.query).toBe(
      'DELETE FROM decision_events WHERE project_id = {projectId:String} AND run_id = {runId:String} AND timestamp >= fromUnixTimestamp64Milli({fromMs:Int64}) AND timestamp < fromUnixTimestamp64Milli({toMs:Int64})'
    );
    expect(s.query_params).toEqual({ projectId: 'p', runId: 'r', fromMs: day, toMs: day + 1 });
  });

  it('deletes from the replicated table on every host of a cluster', () => {
    expect(deleteRunRows(decisions, 'p', 'r', undefined, cluster).query).toBe(
      'DELETE FROM decision_events_local ON CLUSTER xray_cluster WHERE project_id = {projectId:String} AND run_id = {runId:String}'
    );
  });

  it('writes a tombstone with bound values only', () => {
    const s = insertTombstone({ projectId: "p'", runId: 'r', deletedMs: day, done: 1, retentionDays: 30 });
    expect(s.query).not.toContain("p'");
    expect(s.query_params).toMatchObject({ projectId: "p'", deletedMs: day, done: 1, retentionDays: 30 });
  });
});

describe('expiry SQL', () => {
  it('drops a partition by its retention and month', () => {
    const s = dropPartition('runs', { retentionDays: 30, month: '2026-12' }, cluster);
    expect(s.query).toBe(
      'ALTER TABLE runs_local ON CLUSTER xray_cluster DROP PARTITION ({retentionDays:UInt16}, {month:UInt32})'
    );
    expect(s.query_params).toEqual({ retentionDays: 30, month: 202612 });
  });

  it('reads the partitions of every replica on a cluster', () => {
    const s = activePartitionsQuery('steps', cluster);
    expect(s.query).toContain('clusterAllReplicas(xray_cluster, system.parts)');
    expect(s.query_params).toEqual({ database: 'xray', table: 'steps_local' });
    expect(activePartitionsQuery('steps').query).toContain('database = currentDatabase()');
  });

  it('refuses a cluster name that is not a plain identifier', () => {
    expect(() => activePartitionsQuery('steps', { cluster: 'x; DROP', database: 'xray' })).toThrow(/plain identifier/);
  });

  it('copies restamped rows from a subquery, where retention_days still names the stored column', () => {
    const r = { table: 'runs', projectId: 'p', fromDays: 30, toDays: 7, digest: '1' };
    expect(copyRestamped(r).query).toMatch(
      /^INSERT INTO runs SELECT \* REPLACE \(\{toDays:UInt16\} AS retention_days\)\s+FROM \(SELECT \* FROM runs WHERE project_id = \{projectId:String\} AND retention_days = \{fromDays:UInt16\}\)$/
    );
    expect(deleteStamped('runs', 'p', 30).query).toBe(
      'DELETE FROM runs WHERE project_id = {projectId:String} AND retention_days = {fromDays:UInt16}'
    );
    expect(otherStampsQuery('runs', 'p', 7).query).toContain('retention_days != {days:UInt16}');
  });

  it('gives a retried copy of the same rows the same token, and other rows another', () => {
    const r = { table: 'runs', projectId: 'p', fromDays: 30, toDays: 7, digest: '1' };
    expect(restampToken(r)).toBe(restampToken({ ...r }));
    expect(restampToken(r)).not.toBe(restampToken({ ...r, digest: '2' }));
    expect(restampToken(r)).not.toBe(restampToken({ ...r, toDays: 8 }));
  });
});

describe('days', () => {
  it('widens a run by a day each way and lists the days it touches', () => {
    const range = runRange(day + 3_600_000, day + 7_200_000);
    expect(daysWithin(range)).toEqual(['2026-12-03', '2026-12-04', '2026-12-05']);
    expect(daysWithin(dayRange('2026-12-04'))).toEqual(['2026-12-04']);
  });

  it('takes an unfinished run (no end) as its start', () => {
    expect(daysWithin(runRange(day, 0))).toEqual(['2026-12-03', '2026-12-04', '2026-12-05']);
  });

  it('knows a calendar day', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-13-45')).toBe(false);
    expect(isDay('2025-02-29')).toBe(false);
  });
});

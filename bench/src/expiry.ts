/**
 * What expiring one day of a store costs: the oldest day's rows removed from every table the way the
 * tables' TTL does it (a merge rewriting the parts that hold them: here the same rewrite, forced as a
 * synchronous `ALTER TABLE … DELETE`, since the TTL acts on the server's clock), then the janitor's
 * deletion of the day's S3 prefix at the moment the day expires; timed, with the CPU they took in
 * ClickHouse and in the calling process, and checked: the day is gone from every table and from S3,
 * the next day is whole.
 */
import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { clickhouseSql, expireObjects, s3Objects } from '@xray/core/retention';
import { RETAINED_TABLES, dayExpiresAt, dayPrefix } from '@xray/core/storage';
import { benchS3, type BenchStack, s3Usage } from './util.js';

export interface ExpiryFigures {
  day: string;
  rows: number;
  /** Active parts rewritten (those holding the day's rows). */
  parts: number;
  dropSeconds: number;
  objects: number;
  objectSeconds: number;
  /** CPU seconds of the ClickHouse server process and of this process over both steps. */
  clickhouseCpuSeconds: number;
  callerCpuSeconds: number;
  /** Rows and objects of the expired day left afterwards (must be 0), and rows of the next day before/after. */
  leftRows: number;
  leftObjects: number;
  nextDayRows: [before: number, after: number];
}

/** CPU seconds (user + system) a Linux process has used; 0 where /proc is not there. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function rowsOn(ch: ClickHouseClient, day: string): Promise<number> {
  let n = 0;
  for (const { table, time } of RETAINED_TABLES) {
    const [row] = await (
      await ch.query({
        query: `SELECT count() AS n FROM ${table} WHERE toDate(${time}) = {day:Date}`,
        query_params: { day },
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    n += Number(row!.n);
  }
  return n;
}

async function objectsUnder(stack: BenchStack, prefix: string): Promise<number> {
  const usage = await s3Usage(stack, prefix);
  return usage.objects + usage.values;
}

/** Expires the oldest day of `projectId`'s data (kept `retentionDays`) as the janitor would, and measures it. */
export async function measureExpiry(
  stack: BenchStack,
  ch: ClickHouseClient,
  projectId: string,
  retentionDays: number
): Promise<ExpiryFigures> {
  const [oldest] = await (
    await ch.query({
      query: 'SELECT toString(min(toDate(timestamp))) AS day FROM decision_events',
      format: 'JSONEachRow',
    })
  ).json<{ day: string }>();
  const day = oldest!.day;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  // The first moment the oldest day has expired; the next one has not.
  const nowMs = dayExpiresAt(day, retentionDays);
  const nextBefore = await rowsOn(ch, next);
  const s3 = benchS3(stack);
  const deps = { sql: clickhouseSql(ch), objects: s3Objects(s3, stack.settings.bucket) };
  const clickhousePid = stack.storage.processes.find((p) => p.name === 'clickhouse')?.child.pid;
  const cpu0 = cpuSeconds(clickhousePid);
  const caller0 = process.cpuUsage();
  const rows = await rowsOn(ch, day);
  let parts = 0;
  let started = performance.now();
  for (const { table, time } of RETAINED_TABLES) {
    const [touched] = await (
      await ch.query({
        query: `SELECT uniqExact(_part) AS n FROM ${table} WHERE toDate(${time}) = {day:Date}`,
        query_params: { day },
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    parts += Number(touched!.n);
    await ch.command({
      query: `ALTER TABLE ${table} DELETE WHERE toDate(${time}) = {day:Date}`,
      query_params: { day },
      clickhouse_settings: { mutations_sync: '1' },
    });
  }
  const dropSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const expired = await expireObjects(deps, projectId, retentionDays, nowMs);
  const objectSeconds = (performance.now() - started) / 1000;
  const caller = process.cpuUsage(caller0);
  const figures: ExpiryFigures = {
    day,
    rows,
    parts,
    dropSeconds,
    objects: expired.objects,
    objectSeconds,
    clickhouseCpuSeconds: cpuSeconds(clickhousePid) - cpu0,
    callerCpuSeconds: (caller.user + caller.system) / 1e6,
    leftRows: await rowsOn(ch, day),
    leftObjects: await objectsUnder(stack, dayPrefix(projectId, day)),
    nextDayRows: [nextBefore, await rowsOn(ch, next)],
  };
  s3.destroy();
  return figures;
}

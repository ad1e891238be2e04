import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKey,
  createProject,
  fileKeyStore,
  type KeyStore,
  requestProjectDeletion,
  setRetention,
} from '@xray/auth';
import { deleteRun, DeleteStages, pendingDeletions } from '@xray/core/retention';
import { dayPrefix } from '@xray/core/storage';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from './config.js';
import { DELETION_RUNNING_MS, Janitor, type JanitorOptions } from './janitor.js';
import { createProcessorOps } from './ops.js';
import { emptyStats } from './stats.js';
import {
  DAY_MS,
  deps,
  keysUnder,
  project,
  rowCounts,
  stamps,
  useRetentionStorage,
  writeRun,
} from './janitor.fixture.js';

useRetentionStorage();

const lockKey = `test:janitor:${randomBytes(4).toString('hex')}`;
const NOW = Date.now();
const lines: string[] = [];
let redis: Redis;
let dir: string;
let store: KeyStore;

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  dir = await mkdtemp(join(tmpdir(), 'xray-janitor-'));
  store = fileKeyStore(join(dir, 'keys.json'));
});

afterAll(async () => {
  await redis.del(lockKey, `${lockKey}:last`);
  redis.disconnect();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function janitor(o: Partial<JanitorOptions> = {}): Janitor {
  return new Janitor({
    redis,
    lockKey,
    keyStore: store,
    defaultDays: 30,
    deps,
    intervalMillis: 0,
    settleMillis: 0,
    logger: { info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) },
    ...o,
  });
}

describe('the janitor', () => {
  it('runs one pass at a time across processors sharing Redis', async () => {
    const [first, second] = [janitor(), janitor()];
    const passes = await Promise.all([first.runOnce(NOW), second.runOnce(NOW)]);
    expect(passes.filter((p) => p !== undefined)).toHaveLength(1);
    // The lock is released after the pass: the other one may run the next.
    expect(await (passes[0] ? second : first).runOnce(NOW)).toBeDefined();
    expect(await redis.exists(lockKey)).toBe(0);
    expect(Number(await redis.get(`${lockKey}:last`))).toBe(NOW);

    // What it did shows on the processor's /metrics.
    const app = createProcessorOps({
      consumer: 'c',
      stream: 's',
      stats: emptyStats(),
      janitor: first.stats,
      queue: { backlog: () => Promise.reject(new Error('no queue here')) },
      checks: {},
    });
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain(`xray_processor_janitor_passes_total{consumer="c"} ${first.stats.passes}\n`);
    expect(metrics).toContain(`xray_processor_janitor_last_pass_timestamp_seconds{consumer="c"} ${NOW / 1000}\n`);
  });

  it('purges a project being deleted on every pass, and removes its records once late spans can no longer come', async () => {
    const doomed = project('doomed');
    await createProject(store, doomed);
    await createKey(store, doomed, 'ingest');
    await writeRun(doomed, NOW);
    await requestProjectDeletion(store, doomed);

    const first = await janitor().runOnce(NOW);
    expect(first).toMatchObject({ projectsPurged: 1, projectsFinished: [] });
    expect(first!.objectsDeleted).toBeGreaterThanOrEqual(3);
    expect(await rowCounts(doomed)).toMatchObject({ runs: 0, decision_events: 0 });
    expect(await keysUnder(`${doomed}/`)).toEqual([]);
    expect(await store.getProject(doomed)).toBeDefined();

    // A late span written after the first purge is removed by the last one.
    await writeRun(doomed, NOW);
    const last = await janitor().runOnce(NOW + 11 * 60_000);
    expect(last).toMatchObject({ projectsPurged: 1, projectsFinished: [doomed] });
    expect(await rowCounts(doomed)).toMatchObject({ runs: 0, decision_events: 0 });
    expect(await keysUnder(`${doomed}/`)).toEqual([]);
    expect(await store.getProject(doomed)).toBeUndefined();
    expect((await store.listKeys()).filter((k) => k.projectId === doomed)).toEqual([]);
  });

  it('finishes a run deletion that was interrupted', async () => {
    const p = project('interrupted');
    await createProject(store, p);
    const run = await writeRun(p, NOW);
    const stop = (stage: string) => {
      if (stage === DeleteStages.OBJECTS) throw new Error('stopped');
    };
    await expect(deleteRun({ ...deps, beforeStage: stop }, p, run.runId)).rejects.toThrow('stopped');
    // Just started, it may still be running (in the query API): left alone.
    expect(await janitor().runOnce(Date.now())).toMatchObject({ deletionsFinished: 0 });
    expect(await pendingDeletions(deps.sql)).toContainEqual({ projectId: p, runId: run.runId });
    expect(await janitor().runOnce(Date.now() + DELETION_RUNNING_MS)).toMatchObject({
      deletionsFinished: 1,
      objectsDeleted: 2,
    });
    expect(await pendingDeletions(deps.sql)).toEqual([]);
  });

  it('applies a shortened retention to stored rows and objects, and logs one line for the pass', async ({
    annotate,
  }) => {
    const p = project('shortened');
    await createProject(store, p);
    stamps.set(p, 30);
    const old = await writeRun(p, NOW - 10 * DAY_MS);
    const recent = await writeRun(p, NOW);
    await setRetention(store, p, 7, 30);

    lines.length = 0;
    const pass = await janitor().runOnce(NOW);
    expect(pass).toMatchObject({ rowsRestamped: 16, objectsDeleted: 3, failures: 0 });
    expect(await rowCounts(p, old.runId)).toMatchObject({ runs: 0, decision_events: 0 });
    expect(await rowCounts(p, recent.runId)).toMatchObject({ runs: 1, decision_events: 3 });
    expect(await keysUnder(dayPrefix(p, old.day))).toEqual([]);
    expect(await keysUnder(dayPrefix(p, recent.day))).toHaveLength(3);
    expect(lines).toEqual([expect.stringMatching(/^janitor pass: .*3 objects deleted.* in \d+\.\d\d s$/)]);
    await annotate(lines[0]!);
  });

  it('waits for a changed retention to settle before rewriting rows', async () => {
    const p = project('settling');
    await createProject(store, p);
    stamps.set(p, 30);
    await writeRun(p, NOW);
    await setRetention(store, p, 60, 30);
    const j = janitor({ settleMillis: 5 * 60_000 });
    expect(await j.runOnce(NOW)).toMatchObject({ rowsRestamped: 0 });
    expect(await j.runOnce(NOW + 5 * 60_000)).toMatchObject({ rowsRestamped: 8 });
  });
});

describe('the janitor’s settings', () => {
  it('runs every 10 minutes and keeps data 30 days unless told otherwise; 0 turns it off', () => {
    expect(loadConfig({})).toMatchObject({ janitorIntervalMillis: 600_000, retentionDays: 30, authStore: 'redis' });
    expect(loadConfig({ XRAY_JANITOR_INTERVAL_MS: '0', XRAY_RETENTION_DAYS: '7' })).toMatchObject({
      janitorIntervalMillis: 0,
      retentionDays: 7,
    });
  });

  it('refuses a retention that is not a whole number of days at boot, naming the variable', () => {
    expect(() => loadConfig({ XRAY_RETENTION_DAYS: '0' })).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        line: 'XRAY_RETENTION_DAYS=0 is not a retention: expected a whole number of days from 1 to 3650',
      })
    );
  });
});

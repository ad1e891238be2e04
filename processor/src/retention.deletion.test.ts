import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deleteRun, type DeleteStage, DeleteStages, pendingDeletions } from '@xray/core/retention';
import { describe, expect, inject, it } from 'vitest';
import {
  DAY_MS,
  database,
  deps,
  keysUnder,
  project,
  rowCounts,
  s3Settings,
  useRetentionStorage,
  writeRun,
} from './janitor.fixture.js';

useRetentionStorage();

const A = project('a');
const B = project('b');
const NOW = Date.now();
const gone = { runs: 0, steps: 0, decision_events: 0, item_decisions: 0 };

/** Every object of the run (its span objects) under the project. */
const runObjects = async (projectId: string, runId: string) =>
  (await keysUnder(`${projectId}/payloads/`)).filter((k) => k.includes(`/${runId}/`));

describe('deleting a run', () => {
  it('removes its rows from every table and its span objects, and leaves other runs and projects alone', async () => {
    const run = await writeRun(A, NOW);
    const other = await writeRun(A, NOW);
    const elsewhere = await writeRun(B, NOW);
    expect(await runObjects(A, run.runId)).toHaveLength(2);

    const answer = await deleteRun(deps, A, run.runId);
    expect(answer).toMatchObject({
      runId: run.runId,
      status: 'deleted',
      alreadyDeleted: false,
      removed: { runs: 1, steps: 1, decisions: 3, objects: 2 },
    });
    expect(Date.parse(answer!.deletedAt)).toBeGreaterThanOrEqual(NOW);
    expect(await rowCounts(A, run.runId)).toEqual({ ...gone, deletions: 1 });
    expect(await runObjects(A, run.runId)).toEqual([]);
    // Values stored by content stay: they expire with their day.
    expect((await keysUnder(`${A}/payloads/`)).filter((k) => k.includes('/sha256/'))).toHaveLength(2);
    expect(await rowCounts(A, other.runId)).toEqual({
      runs: 1,
      steps: 1,
      decision_events: 3,
      item_decisions: 3,
      deletions: 0,
    });
    expect(await runObjects(A, other.runId)).toHaveLength(2);
    expect(await rowCounts(B, elsewhere.runId)).toMatchObject({ runs: 1, decision_events: 3 });
    expect(await pendingDeletions(deps.sql)).not.toContainEqual({ projectId: A, runId: run.runId });
  });

  it('answers a second request with the first one’s time, as already deleted', async () => {
    const run = await writeRun(A, NOW);
    const first = await deleteRun(deps, A, run.runId);
    const second = await deleteRun(deps, A, run.runId);
    expect(second).toEqual({
      ...first,
      alreadyDeleted: true,
      removed: { runs: 0, steps: 0, decisions: 0, objects: 0 },
    });
  });

  it('answers undefined for a run of another project, and for an id no run can have', async () => {
    const run = await writeRun(B, NOW);
    expect(await deleteRun(deps, A, run.runId)).toBeUndefined();
    expect(await deleteRun(deps, A, 'sha256')).toBeUndefined();
    expect(await rowCounts(B, run.runId)).toMatchObject({ runs: 1, deletions: 0 });
  });

  it('finds the objects of a run that spans midnight on every day it touched', async () => {
    const midnight = Math.floor(NOW / DAY_MS) * DAY_MS;
    const run = await writeRun(A, midnight - 1000, 2000);
    const days = new Set((await runObjects(A, run.runId)).map((k) => k.split('/').slice(2, 5).join('-')));
    expect(days.size).toBe(2);
    expect(await deleteRun(deps, A, run.runId)).toMatchObject({ removed: { objects: 2 } });
    expect(await runObjects(A, run.runId)).toEqual([]);
  });
});

const CHILD = fileURLToPath(new URL('../../core/dist/retention/index.js', import.meta.url));
const STORAGE = fileURLToPath(new URL('../../core/dist/storage/index.js', import.meta.url));

/** A process that deletes the run and kills itself with SIGKILL just before `stage`; resolves with its signal. */
function deleteKilledAt(projectId: string, runId: string, stage: DeleteStage): Promise<string | null> {
  const code = `
    import { createClient } from '@clickhouse/client';
    import { S3Client } from '@aws-sdk/client-s3';
    import { clickhouseSql, deleteRun, s3Objects } from ${JSON.stringify(CHILD)};
    import { s3ClientConfig } from ${JSON.stringify(STORAGE)};
    const e = JSON.parse(process.env.XRAY_TEST_CHILD);
    const ch = createClient({ url: e.url, database: e.database });
    const s3 = new S3Client(s3ClientConfig(e.s3));
    const kill = (stage) => { if (stage === e.stage) process.kill(process.pid, 'SIGKILL'); };
    await deleteRun({ sql: clickhouseSql(ch), objects: s3Objects(s3, e.s3.bucket), beforeStage: kill }, e.projectId, e.runId);
    process.exit(0);`;
  const env = { url: inject('clickhouseUrl'), database, s3: s3Settings, projectId, runId, stage };
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, XRAY_TEST_CHILD: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

describe('a deletion killed at any stage', () => {
  it.each(Object.values(DeleteStages))('finishes when run again after SIGKILL before %s', async (stage) => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run "npx tsc -b" first (npm test does).`);
    const run = await writeRun(A, NOW);
    const other = await writeRun(A, NOW);
    expect(await deleteKilledAt(A, run.runId, stage)).toBe('SIGKILL');
    if (stage !== DeleteStages.TOMBSTONE)
      expect(await pendingDeletions(deps.sql)).toContainEqual({ projectId: A, runId: run.runId });

    expect(await deleteRun(deps, A, run.runId)).toMatchObject({ alreadyDeleted: false });
    expect(await rowCounts(A, run.runId)).toEqual({ ...gone, deletions: 1 });
    expect(await runObjects(A, run.runId)).toEqual([]);
    expect(await deleteRun(deps, A, run.runId)).toMatchObject({ alreadyDeleted: true });
    expect(await pendingDeletions(deps.sql)).not.toContainEqual({ projectId: A, runId: run.runId });
    expect(await rowCounts(A, other.runId)).toMatchObject({ runs: 1, decision_events: 3 });
  });
});

/**
 * Deleting one run on request (`DELETE /v1/runs/{id}`): its rows in every table and its span
 * objects, behind a tombstone, so an interrupted deletion is found and finished.
 */
import { PROJECT_ID_RE, RUN_ID_RE } from '../model/ids.js';
import { dayPrefix } from '../storage/s3-keys.js';
import { Tables } from '../storage/rows.js';
import { daysWithin, deleteUnder, projectDays, runRange } from './days.js';
import type { RetentionDeps, SqlClient } from './ports.js';
import {
  RUN_TABLES,
  type TimeRange,
  type Tombstone,
  count,
  countRunRows,
  deleteRunRows,
  execute,
  insertSettings,
  insertTombstone,
  pendingDeletionsQuery,
  runQuery,
  select,
  tombstoneQuery,
} from './statements.js';

/** The stages of a deletion, in order; a deletion interrupted before any of them finishes when run again. */
export const DeleteStages = {
  /** Read the run and its tombstone; write the tombstone (done = 0). */
  TOMBSTONE: 'tombstone',
  /** Remove the run's rows: the run row, then steps and decisions (both tables). */
  ROWS: 'rows',
  /** Remove the run's span objects. */
  OBJECTS: 'objects',
  /** Mark the tombstone done (done = 1). */
  DONE: 'done',
} as const;

export type DeleteStage = (typeof DeleteStages)[keyof typeof DeleteStages];

/** The answer to a deletion: what `DELETE /v1/runs/{id}` returns. */
export interface RunDeletion {
  runId: string;
  status: 'deleted';
  /** When the deletion was first asked for (ISO 8601). */
  deletedAt: string;
  /** True when an earlier request had already finished it (nothing removed this time). */
  alreadyDeleted: boolean;
  /** What this call removed: rows (each once) and span objects. */
  removed: { runs: number; steps: number; decisions: number; objects: number };
}

export interface DeleteRunDeps extends RetentionDeps {
  /** The clock, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Called before each stage (tests stop the process there). */
  beforeStage?: (stage: DeleteStage) => Promise<void> | void;
}

/** Beyond this many days in a run's range its objects are found by listing the project's days instead. */
const MAX_RANGE_DAYS = 32;

/**
 * Deletes a run of the project: a tombstone first (done = 0), then its rows (lightweight DELETE,
 * limited to the run's days so ClickHouse skips other partitions; the run row first, so the run
 * answers 410 at once; a re-run without it deletes without the time bound and looks for objects
 * under every day of the project), then every object under `<project>/payloads/<day>/<runId>/`
 * for each day the run spans, then the tombstone again with done = 1.
 *
 * Crash-safe and idempotent: run again after an interruption at any stage, it finishes the
 * deletion (a pending tombstone without a run row still leads to removing any rows left, the
 * objects under every day of the project, and done). A finished deletion answers
 * `alreadyDeleted: true`; a run the project never had (nor a tombstone of it) answers undefined.
 *
 * Values stored by content (`<day>/sha256/<hex>.json.br`) are left alone: other runs of the
 * project and day may share them. They expire with their day.
 */
export async function deleteRun(
  deps: DeleteRunDeps,
  projectId: string,
  runId: string
): Promise<RunDeletion | undefined> {
  // No such run can exist, and such ids must never reach a key prefix.
  if (!PROJECT_ID_RE.test(projectId) || !RUN_ID_RE.test(runId)) return undefined;
  const { sql } = deps;
  await deps.beforeStage?.(DeleteStages.TOMBSTONE);
  const [run] = await select<{ started_ms: number | string; ended_ms: number | string; retention_days: number }>(
    sql,
    runQuery(projectId, runId)
  );
  const [existing] = await select<{ deleted_ms: number | string; done: number; retention_days: number }>(
    sql,
    tombstoneQuery(projectId, runId)
  );
  const removed = { runs: 0, steps: 0, decisions: 0, objects: 0 };
  if (existing && Number(existing.done) === 1) return answer(runId, Number(existing.deleted_ms), true, removed);
  if (!run && !existing) return undefined;
  const tombstone: Tombstone = {
    projectId,
    runId,
    // A re-run keeps the first request's time (and the tombstone its partition).
    deletedMs: existing ? Number(existing.deleted_ms) : (deps.now ?? Date.now)(),
    done: 0,
    retentionDays: Number(existing?.retention_days ?? run!.retention_days),
  };
  if (!existing) await execute(sql, insertTombstone(tombstone), insertSettings(deps.cluster));
  const range = run ? runRange(Number(run.started_ms), Number(run.ended_ms)) : undefined;

  await deps.beforeStage?.(DeleteStages.ROWS);
  for (const t of RUN_TABLES) {
    const n = await count(sql, countRunRows(t, projectId, runId, range));
    if (n > 0) await execute(sql, deleteRunRows(t, projectId, runId, range, deps.cluster));
    if (t.table === Tables.RUNS) removed.runs = n;
    else if (t.table === Tables.STEPS) removed.steps = n;
    else if (t.table === Tables.DECISIONS) removed.decisions = n;
  }

  await deps.beforeStage?.(DeleteStages.OBJECTS);
  for (const day of await runDays(deps, projectId, range))
    removed.objects += await deleteUnder(deps.objects, `${dayPrefix(projectId, day)}${runId}/`);

  await deps.beforeStage?.(DeleteStages.DONE);
  await execute(sql, insertTombstone({ ...tombstone, done: 1 }), insertSettings(deps.cluster));
  return answer(runId, tombstone.deletedMs, false, removed);
}

/** The days the run's objects can be under: those of its range, or every day of the project when it is not known. */
async function runDays(deps: RetentionDeps, projectId: string, range: TimeRange | undefined): Promise<string[]> {
  if (range !== undefined) {
    const days = daysWithin(range);
    if (days.length <= MAX_RANGE_DAYS) return days;
    const within = new Set(days);
    return (await projectDays(deps.objects, projectId)).filter((day) => within.has(day));
  }
  return projectDays(deps.objects, projectId);
}

function answer(
  runId: string,
  deletedMs: number,
  alreadyDeleted: boolean,
  removed: RunDeletion['removed']
): RunDeletion {
  return { runId, status: 'deleted', deletedAt: new Date(deletedMs).toISOString(), alreadyDeleted, removed };
}

/**
 * Deletions that were started before `startedBeforeMs` and never finished (tombstones with done = 0),
 * oldest first, for the janitor to finish (one started just now is most likely still running).
 */
export async function pendingDeletions(
  sql: SqlClient,
  startedBeforeMs = Number.MAX_SAFE_INTEGER
): Promise<{ projectId: string; runId: string }[]> {
  const rows = await select<{ project_id: string; run_id: string }>(sql, pendingDeletionsQuery(startedBeforeMs));
  return rows.map((r) => ({ projectId: r.project_id, runId: r.run_id }));
}

import { dayPrefix } from '@xray/core/storage';
import type { RemovedRun, Removals } from './removed.js';
import { readRunRows, RUN_ROW_TABLES } from './run-rows.js';
import type { StorageTarget } from './stored.js';

/** The query API and a key of the project that reads runs. */
export interface QueryTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * What is left of runs that must be gone, in records: each row of the run in runs, steps,
 * decision_events or item_decisions, each object under `<project>/payloads/<day>/<runId>/`, and
 * each run the query API still answers for as it should not (a deleted run: anything but 410 Gone;
 * an expired one: anything but 404 or 410).
 */
export interface Leftovers {
  leftover: number;
  /** The first ones found, for the log. */
  details: string[];
}

const MAX_DETAILS = 20;
const DELETED_STATUSES = [410];
const EXPIRED_STATUSES = [404, 410];

/**
 * Looks for what is left of the removed runs: their rows in ClickHouse, their span objects among
 * `objectKeys` (the project's keys, listed from the bucket), and, with `query`, the answer of
 * `GET /v1/runs/{id}` for each.
 */
export async function findLeftovers(
  t: StorageTarget,
  removed: Pick<Removals, 'deleted' | 'expired'>,
  objectKeys: Iterable<string>,
  query?: QueryTarget
): Promise<Leftovers> {
  const out: Leftovers = { leftover: 0, details: [] };
  const note = (n: number, detail: string) => {
    out.leftover += n;
    if (out.details.length < MAX_DETAILS) out.details.push(`leftover: ${detail}`);
  };
  const runs = [
    ...removed.deleted.map((r) => ({ ...r, why: 'deleted', statuses: DELETED_STATUSES })),
    ...removed.expired.map((r) => ({ ...r, why: 'expired', statuses: EXPIRED_STATUSES })),
  ];
  if (runs.length === 0) return out;

  const rows = await readRunRows(
    t,
    runs.map((r) => r.runId)
  );
  const keys = [...objectKeys];
  for (const run of runs) {
    const held = rows.get(run.runId)!;
    for (const { table, figure } of RUN_ROW_TABLES)
      if (held[figure] > 0) note(held[figure], `${run.why} run ${run.runId}: ${held[figure]} rows in ${table}`);
    const objects = keys.filter((key) => spanObjectPrefixes(t.projectId, run).some((p) => key.startsWith(p)));
    if (objects.length > 0)
      note(objects.length, `${run.why} run ${run.runId}: ${objects.length} objects, ${objects[0]}`);
    if (!query) continue;
    const status = await statusOf(`${query.url}/v1/runs/${run.runId}`, query.headers);
    if (!run.statuses.includes(status)) note(1, `${run.why} run ${run.runId}: GET /v1/runs/{id} answered ${status}`);
  }
  return out;
}

/** Where a run's span objects are: `<project>/payloads/YYYY/MM/DD/<runId>/` for each day it has spans on. */
export function spanObjectPrefixes(projectId: string, run: RemovedRun): string[] {
  return run.days.map((day) => `${dayPrefix(projectId, day)}${run.runId}/`);
}

/** The status of a GET (0 when no answer came). */
async function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

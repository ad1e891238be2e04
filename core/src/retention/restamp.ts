/** Making a changed retention apply to the rows already stored. */
import { RETAINED_TABLES } from '../storage/retention.js';
import type { RetentionDeps } from './ports.js';
import {
  copyRestamped,
  deleteStamped,
  execute,
  insertSettings,
  otherStampsQuery,
  restampToken,
  select,
  stampDigestQuery,
} from './statements.js';

export interface ProjectRestamp {
  /** Rows found with another retention and rewritten (as stored, copies not merged yet counted). */
  rows: number;
  /** The retentions rewritten, per table, e.g. `runs 30→7`. */
  changes: string[];
}

/**
 * Rewrites a project's rows that carry another retention than `days` (the project's retention was
 * changed since they were written): in each retained table, the rows of each other retention are
 * copied with `days` (INSERT ... SELECT with a de-duplication token derived from the table,
 * project, both retentions and the rows, so a retried copy is a no-op), then the old-stamped rows
 * are deleted. This is how a shortened retention takes effect for stored data (the TTL drops at
 * insert whatever is already past it) and a lengthened one keeps stored data longer.
 *
 * It rewrites that project's rows once per change: a copy and a delete of all of them, on every
 * table. Interrupted between copy and delete, a re-run completes it (the tables are
 * ReplacingMergeTree read with FINAL, so a row copied twice counts once). Rows written with the old
 * retention while it runs (a processor's cached lookup) may be deleted with the others: run it once
 * every processor has seen the new retention (the janitor waits for that).
 */
export async function restampProject(deps: RetentionDeps, projectId: string, days: number): Promise<ProjectRestamp> {
  const result: ProjectRestamp = { rows: 0, changes: [] };
  for (const { table } of RETAINED_TABLES) {
    const others = await select<{ retention_days: number }>(deps.sql, otherStampsQuery(table, projectId, days));
    for (const other of others) {
      const fromDays = Number(other.retention_days);
      const [stamp] = await select<{ n: number | string; digest: string }>(
        deps.sql,
        stampDigestQuery(table, projectId, fromDays)
      );
      const restamp = { table, projectId, fromDays, toDays: days, digest: stamp?.digest ?? '0' };
      await execute(deps.sql, copyRestamped(restamp), {
        insert_deduplication_token: restampToken(restamp),
        max_execution_time: 0,
        ...insertSettings(deps.cluster),
      });
      await execute(deps.sql, deleteStamped(table, projectId, fromDays, deps.cluster));
      result.rows += Number(stamp?.n ?? 0);
      result.changes.push(`${table} ${fromDays}→${days}`);
    }
  }
  return result;
}

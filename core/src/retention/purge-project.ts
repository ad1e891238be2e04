/** Removing everything a project stored: the last step of `xray delete project`, run by the janitor. */
import { PROJECT_ID_RE } from '../model/ids.js';
import { RETAINED_TABLES } from '../storage/retention.js';
import { deleteUnder } from './days.js';
import type { RetentionDeps } from './ports.js';
import { count, countProjectRows, deleteProjectRows, execute } from './statements.js';

/** What a purge removed: rows as stored (copies not merged yet counted), and objects. */
export interface ProjectPurge {
  rows: number;
  objects: number;
}

/**
 * Deletes every row of the project in every retained table (tombstones included), then every
 * object under `<project>/`, a page of keys per DeleteObjects request. Idempotent: a second purge
 * finds nothing and removes nothing; run again after an interruption, it finishes.
 */
export async function purgeProject(deps: RetentionDeps, projectId: string): Promise<ProjectPurge> {
  // Only a real project id may become a key prefix: `<id>/` must never cover another project.
  if (!PROJECT_ID_RE.test(projectId))
    throw new Error(`Cannot purge "${projectId}": not a project id (1-63 lowercase letters, digits, '_' or '-').`);
  let rows = 0;
  for (const { table } of RETAINED_TABLES) {
    const n = await count(deps.sql, countProjectRows(table, projectId));
    if (n > 0) await execute(deps.sql, deleteProjectRows(table, projectId, deps.cluster));
    rows += n;
  }
  return { rows, objects: await deleteUnder(deps.objects, `${projectId}/`) };
}

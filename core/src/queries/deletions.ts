/** Deleted runs: the tombstone `DELETE /v1/runs/{runId}` writes before it removes anything. */
import type { BoundQuery } from './bound.js';

/**
 * The tombstone of one run of the project, if it was deleted: `deleted_text` (when), `done` (1 once
 * every row and payload is gone, 0 while the deletion is in progress). Read with FINAL: the row with
 * the highest `done` wins.
 */
export function deletedRunQuery(projectId: string, runId: string): BoundQuery {
  return {
    query: `SELECT run_id, toString(deleted_at) AS deleted_text, done FROM deletions FINAL
            WHERE project_id = {projectId:String} AND run_id = {runId:String} LIMIT 1`,
    query_params: { projectId, runId },
  };
}

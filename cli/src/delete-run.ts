/** `xray delete run <run id>`: a run and everything recorded of it, through the query API with an admin key. */
import type { ApiClient } from './api-client.js';
import { type Output, utcTime } from './keys.js';
import type { Style } from './table.js';

/** The answer of `DELETE /v1/runs/{runId}` (a second DELETE of the run answers `alreadyDeleted: true`). */
export interface RunDeletion {
  runId: string;
  status: 'deleted';
  deletedAt: string;
  alreadyDeleted: boolean;
  /** What this DELETE removed: rows of each table, and payload objects in storage. */
  removed: { runs: number; steps: number; decisions: number; objects: number };
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

export async function deleteRunCommand(api: ApiClient, runId: string, style: Style): Promise<Output> {
  const body = await api.delete<RunDeletion>(`/v1/runs/${encodeURIComponent(runId)}`);
  if (body.alreadyDeleted)
    return { json: body, text: `Run ${body.runId} was already deleted (${utcTime(body.deletedAt)} UTC).` };
  const { runs, steps, decisions, objects } = body.removed;
  return {
    json: body,
    text: `Deleted run ${style.bold(body.runId)}: ${count(runs, 'run')}, ${count(steps, 'step')}, ${count(decisions, 'decision')}, ${count(objects, 'payload object')}.`,
  };
}

/** `xray delete run <run id>`: a run and everything recorded of it, through the query API with an admin key. */
import type { RunDeletion } from '@xray/core/api';
import type { ApiClient } from './api-client.js';
import { type Output, utcTime } from './keys.js';
import type { Style } from './table.js';

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

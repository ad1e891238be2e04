/**
 * What X-Ray removed on purpose: `DELETE /v1/runs/{runId}` (a run and everything recorded of it, with
 * the project's admin key), and the sentences of the 410 `gone` answers for a deleted run and for
 * payloads past the project's retention.
 */
import { z } from 'zod';
import { IsoTime } from './convert.js';

/** `DELETE /v1/runs/{runId}` */
export const RunDeletion = z
  .object({
    runId: z.string(),
    status: z.literal('deleted'),
    deletedAt: IsoTime.describe('When the run was first deleted (its tombstone); a second DELETE answers the same.'),
    alreadyDeleted: z.boolean().describe('True when an earlier DELETE had already deleted the run.'),
    removed: z
      .object({ runs: z.number(), steps: z.number(), decisions: z.number(), objects: z.number() })
      .describe('What this DELETE removed: rows of each table, and payload objects in storage.'),
  })
  .meta({
    id: 'RunDeletion',
    description:
      'A run deleted with everything recorded of it: its steps, decisions and payloads. Its routes then answer 410 gone.',
  });
export type RunDeletion = z.infer<typeof RunDeletion>;

/** The 410 answer for a run that was deleted (or is being deleted). */
export function deletedRunMessage(runId: string, deletedAt: string): string {
  return `Run ${runId} was deleted on ${deletedAt}; its steps, decisions and payloads are gone.`;
}

/** The 410 answer for a payload day past the project's retention. */
export function expiredPayloadsMessage(day: string, retentionDays: number): string {
  return `Payloads stored on ${day} expired after the project's ${retentionDays}-day retention.`;
}

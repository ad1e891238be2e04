/** `xray set retention` and `xray delete project`: how long a project keeps its data, and its end. */
import { type KeyStore, parseRetentionDays, requestProjectDeletion, setRetention } from '@xray/auth';
import { daysText, type Output, UsageError, utcTime } from './keys.js';
import type { Style } from './table.js';

export async function setRetentionCommand(
  store: KeyStore,
  projectId: string,
  daysArgument: string,
  defaultDays: number,
  style: Style
): Promise<Output> {
  let days: number;
  try {
    days = parseRetentionDays(daysArgument, 'The number of days to keep');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { before, after } = await setRetention(store, projectId, days, defaultDays);
  const was = before.source === 'default' ? `was ${before.days}, the default` : `was ${before.days}`;
  return {
    json: { project: projectId, retentionDays: after.days, before },
    text: [
      `Project ${style.bold(projectId)} keeps data for ${daysText(after.days)} (${was}).`,
      "Older data is removed by the janitor's next pass.",
    ].join(' '),
  };
}

export async function deleteProjectCommand(
  store: KeyStore,
  projectId: string,
  confirm: string | undefined,
  style: Style
): Promise<Output> {
  if (confirm !== projectId) {
    const mismatch = confirm === undefined ? '' : ` (--confirm "${confirm}" does not name it)`;
    throw new UsageError(
      `\`xray delete project ${projectId}\` deletes every run, decision, payload and key of project ${projectId}, for good; confirm it with --confirm ${projectId}${mismatch}.`
    );
  }
  const asked = (await store.getProject(projectId))?.deletingSince;
  const project = await requestProjectDeletion(store, projectId);
  const revokedKeys = (await store.listKeys()).filter((k) => k.projectId === projectId).map((k) => k.id);
  const one = revokedKeys.length === 1;
  const keys = `its ${revokedKeys.length} key${one ? '' : 's'}`;
  const first = asked
    ? `Project ${style.bold(projectId)} is already being deleted (asked at ${utcTime(asked)} UTC); ${keys} stay${one ? 's' : ''} revoked.`
    : `Project ${style.bold(projectId)} is being deleted: ${keys} ${one ? 'is' : 'are'} revoked (services refuse them within seconds).`;
  return {
    json: { project: projectId, deletingSince: project.deletingSince, revokedKeys },
    text: [
      first,
      style.dim(
        'The janitor (in the processor) removes its runs, decisions and payloads on its next pass; then the project disappears from `xray list`.'
      ),
    ].join('\n'),
  };
}

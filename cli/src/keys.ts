/** `xray create project|key`, `xray revoke key`, `xray list`: projects and API keys. */
import {
  createKey,
  createProject,
  type KeyKind,
  KEY_KINDS,
  type KeyRecord,
  type KeyStore,
  type ProjectRecord,
  type RateLimits,
  retentionOf,
  revokeKey,
} from '@xray/auth';
import { type Cell, renderTable, type Style } from './table.js';

/** What a command prints: text for people, a value for `--json`. */
export interface Output {
  text: string;
  json: unknown;
}

/** A mistake on the command line; the message says how to call it. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function createProjectCommand(
  store: KeyStore,
  projectId: string,
  name: string | undefined,
  style: Style
): Promise<Output> {
  await createProject(store, projectId, name);
  const ingest = await createKey(store, projectId, 'ingest');
  const read = await createKey(store, projectId, 'read');
  return {
    json: { projectId, ingestKey: ingest.key, readKey: read.key },
    text: [
      `Created project ${style.bold(projectId)} in ${store.description}.`,
      `  ingest key  ${ingest.key}`,
      `  read key    ${read.key}`,
      style.dim('The keys are shown this once; only their hashes are stored.'),
      style.dim('Send traces with XRAY_API_KEY=<ingest key>; query with "Authorization: Bearer <read key>".'),
    ].join('\n'),
  };
}

export async function createKeyCommand(
  store: KeyStore,
  projectId: string,
  kindText: string | undefined,
  options: { name?: string; limits?: RateLimits },
  style: Style
): Promise<Output> {
  if (!KEY_KINDS.includes(kindText as KeyKind))
    throw new UsageError(`--kind must be ingest, read or admin${kindText ? `, not "${kindText}"` : ''}.`);
  const created = await createKey(store, projectId, kindText as KeyKind, options);
  return {
    json: { key: created.key, ...publicRecord(created.record) },
    text: [
      `Created ${created.record.kind} key ${style.bold(created.record.id)} for project ${projectId}:`,
      `  ${created.key}`,
      style.dim('The key is shown this once; only its hash is stored.'),
    ].join('\n'),
  };
}

export async function revokeKeyCommand(store: KeyStore, keyId: string, style: Style): Promise<Output> {
  const record = await revokeKey(store, keyId);
  return {
    json: publicRecord(record),
    text: `Revoked ${record.kind} key ${style.bold(record.id)} of project ${record.projectId} (services stop accepting it within seconds).`,
  };
}

/** Projects with their retention (`defaultDays` where they have none of their own) and their keys. */
export async function listCommand(
  store: KeyStore,
  projectFilter: string | undefined,
  defaultDays: number,
  style: Style
): Promise<Output> {
  const projects = (await store.listProjects())
    .filter((p) => !projectFilter || p.id === projectFilter)
    .sort((a, b) => a.id.localeCompare(b.id));
  const keys = (await store.listKeys()).filter((k) => !projectFilter || k.projectId === projectFilter);
  const json = projects.map((p) => ({
    ...p,
    retention: retentionOf(p, defaultDays),
    keys: keys.filter((k) => k.projectId === p.id).map(publicRecord),
  }));
  if (projects.length === 0) {
    return {
      json,
      text: projectFilter
        ? `No project "${projectFilter}" in ${store.description}.`
        : `No projects yet in ${store.description}; create one with: xray create project <id>`,
    };
  }
  const rows: Cell[][] = [];
  for (const project of projects) {
    const own = keys.filter((k) => k.projectId === project.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const retention = retentionCell(project, defaultDays, style);
    if (own.length === 0)
      rows.push([project.id, retention, { text: '(no keys)', paint: style.dim }, '', '', '', '', '']);
    for (const key of own) {
      const status: Cell = key.revokedAt
        ? { text: `revoked ${key.revokedAt.slice(0, 10)}`, paint: style.red }
        : { text: 'active', paint: style.green };
      rows.push([
        project.id,
        retention,
        key.id,
        key.kind,
        key.name,
        utcTime(key.createdAt),
        status,
        limitsText(key.limits),
      ]);
    }
  }
  return {
    json,
    text: renderTable(
      ['PROJECT', 'RETENTION', 'KEY ID', 'KIND', 'NAME', 'CREATED (UTC)', 'STATUS', 'LIMITS'],
      rows,
      style
    ),
  };
}

/** `2026-01-02 03:04:05` of an ISO time (UTC). */
export const utcTime = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

/** `1 day`, `7 days`. */
export const daysText = (days: number): string => `${days} day${days === 1 ? '' : 's'}`;

/** `30 days (default)`, `7 days`, or the deletion under way (the retention no longer matters then). */
function retentionCell(project: ProjectRecord, defaultDays: number, style: Style): Cell {
  if (project.deletingSince) return { text: `deleting since ${utcTime(project.deletingSince)} UTC`, paint: style.red };
  const { days, source } = retentionOf(project, defaultDays);
  return source === 'default' ? { text: `${daysText(days)} (default)`, paint: style.dim } : daysText(days);
}

/** A key record without its hash (nothing secret, but nobody's business). */
function publicRecord({ hash: _hash, ...rest }: KeyRecord): Omit<KeyRecord, 'hash'> {
  return rest;
}

function limitsText(limits: RateLimits | undefined): string {
  const parts = [];
  if (limits?.spansPerSecond !== undefined) parts.push(`${limits.spansPerSecond} spans/s`);
  if (limits?.bytesPerSecond !== undefined) parts.push(`${limits.bytesPerSecond} B/s`);
  return parts.length ? parts.join(', ') : 'default';
}

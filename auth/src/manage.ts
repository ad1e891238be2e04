/** Managing projects and keys: what the CLI and the local stack do. */
import { PROJECT_ID_RE } from '@xray/core/model';
import { DEFAULT_REDIS_URL } from '@xray/core/service';
import { fileKeyStore } from './file-store.js';
import { generateKey, type KeyKind, parseKey, hashSecret } from './keys.js';
import { redisKeyStore } from './redis-store.js';
import { parseRetentionDays, type Retention, retentionDefault, retentionOf } from './retention.js';
import { type KeyRecord, type KeyStore, parseStoreSetting, type ProjectRecord, type RateLimits } from './store.js';

/** A mistake by the person managing keys (unknown project, bad id); the message says what to do. */
export class ManageError extends Error {
  override name = 'ManageError';
}

/** Opens the store named by an XRAY_AUTH_STORE value (see {@link parseStoreSetting}). */
export function openKeyStore(setting: string | undefined, redisUrl = DEFAULT_REDIS_URL): KeyStore {
  const parsed = parseStoreSetting(setting);
  return parsed.type === 'file' ? fileKeyStore(parsed.path) : redisKeyStore(redisUrl, parsed.prefix);
}

/** A created key: the whole key is in `key` and is shown this once. */
export interface CreatedKey {
  key: string;
  record: KeyRecord;
}

export interface CreateKeyOptions {
  name?: string;
  limits?: RateLimits;
}

/** Creates a project; throws when the id is malformed or taken. */
export async function createProject(store: KeyStore, projectId: string, name = projectId): Promise<void> {
  if (!PROJECT_ID_RE.test(projectId)) {
    throw new ManageError(
      `"${projectId}" cannot be a project id: use 1-63 lowercase letters, digits, '_' or '-', starting with a letter or digit.`
    );
  }
  if (!(await store.addProject({ id: projectId, name, createdAt: new Date().toISOString() }))) {
    const existing = await store.getProject(projectId);
    if (existing?.deletingSince) throw beingDeleted(existing);
    throw new ManageError(`Project "${projectId}" already exists.`);
  }
}

/** Creates a key of `kind` for an existing project. */
export async function createKey(
  store: KeyStore,
  projectId: string,
  kind: KeyKind,
  options: CreateKeyOptions = {}
): Promise<CreatedKey> {
  const project = await store.getProject(projectId);
  if (!project) throw new ManageError(`No project "${projectId}"; create it first (xray create project ${projectId}).`);
  if (project.deletingSince) throw beingDeleted(project);
  const { key, keyId, hash } = generateKey(kind);
  const record: KeyRecord = {
    id: keyId,
    projectId,
    kind,
    hash,
    name: options.name ?? `${kind} key`,
    createdAt: new Date().toISOString(),
    ...(options.limits && { limits: options.limits }),
  };
  await store.putKey(record);
  return { key, record };
}

/** Revokes a key by its id (the 12 hex characters after `xri_` / `xrr_` / `xra_`), or by the whole key. */
export async function revokeKey(store: KeyStore, keyIdOrKey: string): Promise<KeyRecord> {
  const keyId = parseKey(keyIdOrKey)?.keyId ?? keyIdOrKey;
  const record = await store.getKey(keyId);
  if (!record) throw new ManageError(`No key with id "${keyId}"; \`xray list\` shows the key ids.`);
  if (record.revokedAt) return record;
  const revoked = { ...record, revokedAt: new Date().toISOString() };
  await store.putKey(revoked);
  return revoked;
}

/** A project with one fresh ingest key and one fresh read key. */
export interface ProjectKeys {
  projectId: string;
  ingestKey: string;
  readKey: string;
}

/** Creates a project and its two keys (the local stack and the tests start this way). */
export async function provisionProject(
  store: KeyStore,
  projectId: string,
  options: { name?: string; limits?: RateLimits } = {}
): Promise<ProjectKeys> {
  await createProject(store, projectId, options.name);
  const ingest = await createKey(store, projectId, 'ingest', { limits: options.limits });
  const read = await createKey(store, projectId, 'read');
  return { projectId, ingestKey: ingest.key, readKey: read.key };
}

/**
 * Makes sure known keys exist in the store (re-creating project and key records from the keys
 * themselves): the local stack keeps its development keys in its data folder and restores them
 * into a Redis that lost them on restart.
 */
export async function restoreProject(store: KeyStore, keys: ProjectKeys): Promise<void> {
  await store.addProject({ id: keys.projectId, name: keys.projectId, createdAt: new Date().toISOString() });
  for (const key of [keys.ingestKey, keys.readKey]) {
    const parsed = parseKey(key);
    if (!parsed) throw new ManageError(`A saved key of project "${keys.projectId}" is malformed.`);
    if (await store.getKey(parsed.keyId)) continue;
    await store.putKey({
      id: parsed.keyId,
      projectId: keys.projectId,
      kind: parsed.kind,
      hash: hashSecret(parsed.secret),
      name: `${parsed.kind} key`,
      createdAt: new Date().toISOString(),
    });
  }
}

/**
 * Sets how many days a project's data is kept (a whole number from 1 to 3650); `defaultDays` is the
 * deployment's default, for `before`. The janitor removes older data on its next pass.
 */
export async function setRetention(
  store: KeyStore,
  projectId: string,
  days: number | string,
  defaultDays: number = retentionDefault()
): Promise<{ before: Retention; after: Retention }> {
  let retentionDays: number;
  try {
    retentionDays = parseRetentionDays(days, 'A retention');
  } catch (err) {
    throw new ManageError((err as Error).message);
  }
  const project = await existingProject(store, projectId);
  if (project.deletingSince) throw beingDeleted(project);
  const updated = { ...project, retentionDays };
  await store.putProject(updated);
  return { before: retentionOf(project, defaultDays), after: retentionOf(updated, defaultDays) };
}

/**
 * Asks for a project's deletion: revokes every key of the project (ingest keys first, so no new
 * data arrives), then marks it `deletingSince` now (an earlier mark is kept: asking twice is
 * harmless). The janitor then removes its data and calls {@link finishProjectDeletion}.
 */
export async function requestProjectDeletion(store: KeyStore, projectId: string): Promise<ProjectRecord> {
  const project = await existingProject(store, projectId);
  await revokeProjectKeys(store, projectId);
  if (project.deletingSince) return project;
  const marked = { ...project, deletingSince: new Date().toISOString() };
  await store.putProject(marked);
  // A key created between the first sweep and the mark (createKey refuses only after it) is revoked too.
  await revokeProjectKeys(store, projectId);
  return marked;
}

/**
 * Removes every key record of a project being deleted, then the project record itself: the
 * janitor's last step, once the project's data is gone. A second call does nothing. Refuses a
 * project that was never asked to be deleted.
 */
export async function finishProjectDeletion(store: KeyStore, projectId: string): Promise<void> {
  const project = await store.getProject(projectId);
  if (project && !project.deletingSince)
    throw new ManageError(
      `Project "${projectId}" is not being deleted; ask for that first (xray delete project ${projectId} --confirm ${projectId}).`
    );
  for (const key of await store.listKeys()) if (key.projectId === projectId) await store.removeKey(key.id);
  if (project) await store.removeProject(projectId);
}

async function existingProject(store: KeyStore, projectId: string): Promise<ProjectRecord> {
  const project = await store.getProject(projectId);
  if (!project) throw new ManageError(`No project "${projectId}"; \`xray list\` shows the projects.`);
  return project;
}

/** Revokes the project's active keys, ingest keys first. */
async function revokeProjectKeys(store: KeyStore, projectId: string): Promise<void> {
  const active = (await store.listKeys()).filter((k) => k.projectId === projectId && !k.revokedAt);
  active.sort((a, b) => Number(b.kind === 'ingest') - Number(a.kind === 'ingest'));
  const revokedAt = new Date().toISOString();
  for (const key of active) await store.putKey({ ...key, revokedAt });
}

function beingDeleted(project: ProjectRecord): ManageError {
  return new ManageError(
    `Project "${project.id}" is being deleted (asked at ${project.deletingSince}); its id is free again once the janitor has removed its data and it is gone from \`xray list\`.`
  );
}

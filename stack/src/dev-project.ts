/**
 * The local stack's development project. Its two keys are kept in plain text in the data folder
 * (`dev-keys.json`, owner-only), so `npm start` can print them every time and `npm run demo` can
 * use them; they are restored into the key store when it lost them (Redis keeps nothing on disk
 * here). Production keys are never written anywhere in plain text: see `xray create project`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createKey, type KeyStore, parseKey, type ProjectKeys, provisionProject, restoreProject } from '@xray/auth';

export const DEV_KEYS_FILE = 'dev-keys.json';

/** The development keys saved in `dataDir`, if any. */
export async function readDevKeys(dataDir: string): Promise<ProjectKeys | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dataDir, DEV_KEYS_FILE), 'utf8')) as Partial<ProjectKeys>;
    if (typeof value.projectId === 'string' && parseKey(String(value.ingestKey)) && parseKey(String(value.readKey)))
      return value as ProjectKeys;
  } catch {
    // missing or unreadable: a new project is made
  }
  return undefined;
}

/** Makes sure the development project and its keys exist and work; returns the keys. */
export async function ensureDevProject(store: KeyStore, dataDir: string, projectId: string): Promise<ProjectKeys> {
  const saved = await readDevKeys(dataDir);
  let keys: ProjectKeys;
  if (saved?.projectId === projectId) {
    await restoreProject(store, saved);
    keys = { ...saved, ingestKey: await usable(store, saved, 'ingest'), readKey: await usable(store, saved, 'read') };
  } else if (await store.getProject(projectId)) {
    // The project exists but its keys were not saved here: add a fresh pair.
    keys = {
      projectId,
      ingestKey: (await createKey(store, projectId, 'ingest', { name: 'dev ingest key' })).key,
      readKey: (await createKey(store, projectId, 'read', { name: 'dev read key' })).key,
    };
  } else {
    keys = await provisionProject(store, projectId, { name: 'development' });
  }
  const file = join(dataDir, DEV_KEYS_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The saved key when it is still active; a new one when it was revoked. */
async function usable(store: KeyStore, saved: ProjectKeys, kind: 'ingest' | 'read'): Promise<string> {
  const key = kind === 'ingest' ? saved.ingestKey : saved.readKey;
  const record = await store.getKey(parseKey(key)!.keyId);
  if (record && !record.revokedAt && record.projectId === saved.projectId) return key;
  return (await createKey(store, saved.projectId, kind, { name: `dev ${kind} key` })).key;
}

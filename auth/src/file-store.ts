/**
 * Keys and projects in one JSON file, for a single machine (the local stack). Writes replace the
 * file atomically (temporary file + rename); readers reload it when its modification time changes,
 * so keys created or revoked by the CLI reach running services.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isKeyRecord, isProjectRecord } from './records.js';
import type { KeyRecord, KeyStore, ProjectRecord } from './store.js';

interface FileContent {
  projects: Record<string, ProjectRecord>;
  keys: Record<string, KeyRecord>;
}

export function fileKeyStore(path: string): KeyStore {
  let cached: { mtimeMs: number; content: FileContent } | undefined;

  const load = async (): Promise<FileContent> => {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { projects: {}, keys: {} };
      throw err;
    }
    if (cached?.mtimeMs === mtimeMs) return cached.content;
    const content = parseFile(await readFile(path, 'utf8'), path);
    cached = { mtimeMs, content };
    return content;
  };
  const save = async (content: FileContent): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    // Hashes only, but still nobody else's business: readable by the owner alone.
    await writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
    cached = undefined;
  };

  return {
    description: `file ${path}`,
    async getKey(keyId) {
      const { keys } = await load();
      return Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
    },
    async putKey(record) {
      const content = await load();
      await save({ ...content, keys: { ...content.keys, [record.id]: record } });
    },
    async listKeys() {
      return Object.values((await load()).keys);
    },
    async removeKey(keyId) {
      const content = await load();
      if (!Object.hasOwn(content.keys, keyId)) return;
      await save({ ...content, keys: without(content.keys, keyId) });
    },
    async getProject(projectId) {
      const { projects } = await load();
      return Object.hasOwn(projects, projectId) ? projects[projectId] : undefined;
    },
    async addProject(record) {
      const content = await load();
      if (Object.hasOwn(content.projects, record.id)) return false;
      await save({ ...content, projects: { ...content.projects, [record.id]: record } });
      return true;
    },
    async putProject(record) {
      const content = await load();
      await save({ ...content, projects: { ...content.projects, [record.id]: record } });
    },
    async removeProject(projectId) {
      const content = await load();
      if (!Object.hasOwn(content.projects, projectId)) return;
      await save({ ...content, projects: without(content.projects, projectId) });
    },
    async listProjects() {
      return Object.values((await load()).projects);
    },
    async close() {},
  };
}

/** `entries` less the one named `id`. */
const without = <T>(entries: Record<string, T>, id: string): Record<string, T> =>
  Object.fromEntries(Object.entries(entries).filter(([key]) => key !== id));

function parseFile(text: string, path: string): FileContent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new Error(`The key file ${path} is not valid JSON; restore it or remove it to start afresh.`, { cause });
  }
  const section = (name: string, guard: (v: unknown) => boolean): Record<string, never> => {
    const value = (raw as Record<string, unknown> | null)?.[name];
    const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
    return Object.fromEntries(entries.filter(([, v]) => guard(v))) as Record<string, never>;
  };
  return { projects: section('projects', isProjectRecord), keys: section('keys', isKeyRecord) };
}

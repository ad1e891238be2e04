/** Keys and projects in Redis: two hashes, `<prefix>:keys` (key id -> record) and `<prefix>:projects`. */
import { lazyRedis } from './lazy-redis.js';
import { isKeyRecord, isProjectRecord } from './records.js';
import type { KeyRecord, KeyStore, ProjectRecord } from './store.js';

/** A store on an existing Redis; `url` as in REDIS_URL. Commands fail fast while Redis is down. */
export function redisKeyStore(url: string, prefix: string): KeyStore {
  const connection = lazyRedis(url);
  const ready = () => connection.ready();
  const keys = `${prefix}:keys`;
  const projects = `${prefix}:projects`;
  const host = new URL(url).host;

  return {
    description: `Redis ${host}, keys ${prefix}:*`,
    async getKey(keyId) {
      const raw = await (await ready()).hget(keys, keyId);
      return parse(raw, isKeyRecord);
    },
    async putKey(record) {
      await (await ready()).hset(keys, record.id, JSON.stringify(record));
    },
    async listKeys() {
      return Object.values(await (await ready()).hgetall(keys)).flatMap((raw) => parse(raw, isKeyRecord) ?? []);
    },
    async removeKey(keyId) {
      await (await ready()).hdel(keys, keyId);
    },
    async getProject(projectId) {
      return parse(await (await ready()).hget(projects, projectId), isProjectRecord);
    },
    async addProject(record) {
      return (await (await ready()).hsetnx(projects, record.id, JSON.stringify(record))) === 1;
    },
    async putProject(record) {
      await (await ready()).hset(projects, record.id, JSON.stringify(record));
    },
    async removeProject(projectId) {
      await (await ready()).hdel(projects, projectId);
    },
    async listProjects() {
      return Object.values(await (await ready()).hgetall(projects)).flatMap((raw) => parse(raw, isProjectRecord) ?? []);
    },
    async close() {
      connection.close();
    },
  };
}

function parse<T extends KeyRecord | ProjectRecord>(raw: string | null, guard: (v: unknown) => v is T): T | undefined {
  if (raw === null) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return guard(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

import {
  createKey,
  type KeyStore,
  openKeyStore,
  type ProjectKeys,
  provisionProject,
  type RateLimits,
  setRetention,
} from '@xray/auth';

/**
 * The one place that knows about API keys: where the services look them up, how a project and its
 * keys are created, and the header each request carries.
 */

/** XRAY_AUTH_STORE of every service the suite starts: the deployment's own Redis, as in production. */
export const AUTH_STORE = 'redis';

/** Environment for every service the suite starts: where keys live. */
export function authEnv(): Record<string, string> {
  return { XRAY_AUTH_STORE: AUTH_STORE };
}

/**
 * Receiver rate limits off (0 = unlimited): these tests push far more than a normal key's quota on
 * purpose, and rate limiting is tested on its own.
 */
export const UNLIMITED_RATE_ENV: Record<string, string> = {
  RECEIVER_RATE_SPANS_PER_SECOND: '0',
  RECEIVER_RATE_BYTES_PER_SECOND: '0',
};

/** Runs `work` on the key store of the Redis at `redisUrl`, closed after. */
async function withStore<T>(redisUrl: string, work: (store: KeyStore) => Promise<T>): Promise<T> {
  const store = openKeyStore(AUTH_STORE, redisUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Creates `projectId` with an ingest and a read key in the key store of the Redis at `redisUrl`. */
export function provisionKeys(redisUrl: string, projectId: string, limits?: RateLimits): Promise<ProjectKeys> {
  return withStore(redisUrl, (store) => provisionProject(store, projectId, limits ? { limits } : {}));
}

/** A new admin key (`xra_…`: reads, and deletes runs through the query API) of an existing project. */
export function createAdminKey(redisUrl: string, projectId: string): Promise<string> {
  return withStore(redisUrl, async (store) => (await createKey(store, projectId, 'admin')).key);
}

/**
 * Sets how many days the project keeps its data, as `xray set retention` does. The processor keeps
 * a retention it looked up for a minute: set it before the project's first span is processed.
 */
export async function setProjectRetention(redisUrl: string, projectId: string, days: number): Promise<void> {
  await withStore(redisUrl, (store) => setRetention(store, projectId, days));
}

/** The Authorization header for `key`. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export type { ProjectKeys };

import { openKeyStore, type ProjectKeys, provisionProject, type RateLimits } from '@xray/auth';

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

/** Creates `projectId` with an ingest and a read key in the key store of the Redis at `redisUrl`. */
export async function provisionKeys(redisUrl: string, projectId: string, limits?: RateLimits): Promise<ProjectKeys> {
  const store = openKeyStore(AUTH_STORE, redisUrl);
  try {
    return await provisionProject(store, projectId, limits ? { limits } : {});
  } finally {
    await store.close();
  }
}

/** The Authorization header for `key`. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export type { ProjectKeys };

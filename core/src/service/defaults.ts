/**
 * Values more than one service (or the local stack, tests and benchmarks) would otherwise retype:
 * where Redis is, the host and ports each service listens on, and the settings receiver and query
 * API share. The queue's stream and consumer group are in `@xray/core/ingest`.
 */
import { checkedSetting, integerSetting, redisUrlSetting, type Setting } from './settings.js';

/** Redis of the local stack: the span stream, API keys and alert rules. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Services listen on the loopback interface unless told otherwise (`*_HOST`). */
export const DEFAULT_HOST = '127.0.0.1';
/** Each service's port: OTLP/HTTP's own for the receiver. */
export const DEFAULT_PORTS = { receiver: 4318, processor: 4320, query: 8080 } as const;

/** REDIS_URL: the span stream (receiver, processor), API keys and alert rules (receiver, query API). */
export const REDIS_URL_SETTING = redisUrlSetting('REDIS_URL', DEFAULT_REDIS_URL);

/** XRAY_AUTH_CACHE_MS, default 5,000: how long a looked-up API key is trusted (revocation takes this long). */
export const AUTH_CACHE_SETTING = integerSetting('XRAY_AUTH_CACHE_MS', 5000, 0, 3_600_000);

/**
 * XRAY_AUTH_STORE, default `redis`: where API keys live, `redis` (REDIS_URL), `redis:<prefix>` or
 * `file:<path>`. `check` is `@xray/auth`'s `parseStoreSetting` (core does not depend on auth).
 */
export function authStoreSetting(check: (text: string) => unknown): Setting<string> {
  return checkedSetting('XRAY_AUTH_STORE', 'redis', {
    problem: 'is not a key store',
    expected: '"redis", "redis:<key prefix>" or "file:<path>"',
    check,
  });
}

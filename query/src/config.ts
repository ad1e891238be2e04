import { parseStoreSetting } from '@xray/auth';
import { readInteger } from '@xray/core/service';
import { readStorageSettings, type StorageSettings } from '@xray/core/storage';

/** Query API settings, parsed once at boot from the environment. */
export interface QueryConfig extends StorageSettings {
  host: string;
  port: number;
  /** XRAY_AUTH_STORE: where API keys live (`redis`, `redis:<prefix>` or `file:<path>`). */
  authStore: string;
  /** XRAY_AUTH_CACHE_MS, default 5,000: how long a looked-up key is trusted. */
  authCacheMillis: number;
  /** REDIS_URL of the `redis` key store, and of the alert rules. */
  redisUrl: string;
  /** XRAY_ALERTS_PREFIX, default `xray:alerts`: Redis key prefix of alert rules and state. */
  alertsPrefix: string;
  /** XRAY_ALERTS_INTERVAL_MS, default 60,000: how often each alert rule is evaluated; 0 disables evaluation. */
  alertsIntervalMillis: number;
  /** XRAY_ALERTS_WEBHOOK_TIMEOUT_MS, default 5,000: per attempt to deliver a notification. */
  alertsWebhookTimeoutMillis: number;
}

/** Reads the query API's environment; throws one clear error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  const authStore = env.XRAY_AUTH_STORE?.trim() || 'redis';
  parseStoreSetting(authStore);
  return {
    host: env.QUERY_HOST ?? '127.0.0.1',
    port: readInteger(env, 'QUERY_PORT', 8080, 0, 65535),
    authStore,
    authCacheMillis: readInteger(env, 'XRAY_AUTH_CACHE_MS', 5000, 0, 3_600_000),
    redisUrl: env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    alertsPrefix: env.XRAY_ALERTS_PREFIX?.trim() || 'xray:alerts',
    alertsIntervalMillis: readInteger(env, 'XRAY_ALERTS_INTERVAL_MS', 60_000, 0, 86_400_000),
    alertsWebhookTimeoutMillis: readInteger(env, 'XRAY_ALERTS_WEBHOOK_TIMEOUT_MS', 5000, 1, 60_000),
    ...readStorageSettings(env),
  };
}

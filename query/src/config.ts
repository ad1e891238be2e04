import { parseStoreSetting, RETENTION_DAYS_SETTING } from '@xray/auth';
import {
  AUTH_CACHE_SETTING,
  DEFAULT_HOST,
  DEFAULT_PORTS,
  REDIS_URL_SETTING,
  authStoreSetting,
  integerSetting,
  portSetting,
  readSettings,
  textSetting,
  type Env,
} from '@xray/core/service';
import { readStorageSettings, type StorageSettings } from '@xray/core/storage';

/** Query API settings, parsed once at boot from the environment. */
export interface QueryConfig extends StorageSettings {
  /** QUERY_HOST, default 127.0.0.1. */
  host: string;
  /** QUERY_PORT, default 8080; 0 picks a free port. */
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
  /** XRAY_RETENTION_DAYS, default 30: the retention of a project without its own, as the processor stamps it. */
  retentionDays: number;
}

const SETTINGS = {
  host: textSetting('QUERY_HOST', DEFAULT_HOST),
  port: portSetting('QUERY_PORT', DEFAULT_PORTS.query),
  authStore: authStoreSetting(parseStoreSetting),
  authCacheMillis: AUTH_CACHE_SETTING,
  redisUrl: REDIS_URL_SETTING,
  alertsPrefix: textSetting('XRAY_ALERTS_PREFIX', 'xray:alerts'),
  alertsIntervalMillis: integerSetting('XRAY_ALERTS_INTERVAL_MS', 60_000, 0, 86_400_000),
  alertsWebhookTimeoutMillis: integerSetting('XRAY_ALERTS_WEBHOOK_TIMEOUT_MS', 5000, 1, 60_000),
  retentionDays: RETENTION_DAYS_SETTING,
};

/** Reads the query API's environment (process.env in main.ts); throws a `ConfigError` naming the bad variable. */
export function loadConfig(env: Env): QueryConfig {
  return { ...readSettings(env, SETTINGS), ...readStorageSettings(env) };
}

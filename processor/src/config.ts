import { hostname } from 'node:os';
import { parseStoreSetting, RETENTION_DAYS_SETTING } from '@xray/auth';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_STREAM } from '@xray/core/ingest';
import {
  authStoreSetting,
  DEFAULT_HOST,
  DEFAULT_PORTS,
  REDIS_URL_SETTING,
  integerSetting,
  portSetting,
  readSettings,
  textSetting,
  type Env,
} from '@xray/core/service';
import { readStorageSettings, type StorageSettings } from '@xray/core/storage';

/** Processor settings, parsed once at boot from the environment. */
export interface ProcessorConfig extends StorageSettings {
  /** REDIS_URL, default redis://127.0.0.1:6379. */
  redisUrl: string;
  /** XRAY_STREAM, default `xray:spans`. */
  stream: string;
  /** XRAY_CONSUMER_GROUP, default `xray-processors`: processors in one group share the stream's entries. */
  group: string;
  /**
   * PROCESSOR_CONSUMER, default the host name. Stable across restarts, so a restarted processor
   * finds its own pending entries; give each processor on one host its own name.
   */
  consumer: string;
  /** PROCESSOR_BATCH_ENTRIES, default 200 (1 to 10,000): most stream entries read and written as one batch. */
  batchEntries: number;
  /** PROCESSOR_BLOCK_MS, default 1,000 (at most 60,000): how long a read waits for new entries before looping. */
  blockMillis: number;
  /** PROCESSOR_CLAIM_IDLE_MS, default 60,000: entries pending this long on another consumer are claimed (it probably crashed). */
  claimIdleMillis: number;
  /** PROCESSOR_MAX_ATTEMPTS, default 5: failed writes of one entry, for a reason in its data, after which it is dead-lettered. */
  maxAttempts: number;
  /** PROCESSOR_HOST, default 127.0.0.1: where the health endpoints listen. */
  host: string;
  /** PROCESSOR_PORT, default 4320; 0 picks a free port. */
  port: number;
  /** XRAY_JANITOR_INTERVAL_MS, default 600,000 (10 minutes): between janitor passes; 0 turns the janitor off. */
  janitorIntervalMillis: number;
  /** XRAY_RETENTION_DAYS, default 30: how long data of a project without its own retention is kept. */
  retentionDays: number;
  /** XRAY_AUTH_STORE, default `redis`: the key store, where projects and their retentions are (as the receiver reads it). */
  authStore: string;
}

/** Reads the processor's environment (process.env in main.ts); throws a `ConfigError` naming the bad variable. */
export function loadConfig(env: Env): ProcessorConfig {
  const settings = {
    redisUrl: REDIS_URL_SETTING,
    stream: textSetting('XRAY_STREAM', DEFAULT_STREAM),
    group: textSetting('XRAY_CONSUMER_GROUP', DEFAULT_CONSUMER_GROUP),
    consumer: textSetting('PROCESSOR_CONSUMER', hostname()),
    batchEntries: integerSetting('PROCESSOR_BATCH_ENTRIES', 200, 1, 10_000),
    blockMillis: integerSetting('PROCESSOR_BLOCK_MS', 1000, 1, 60_000),
    claimIdleMillis: integerSetting('PROCESSOR_CLAIM_IDLE_MS', 60_000, 1000, 86_400_000),
    maxAttempts: integerSetting('PROCESSOR_MAX_ATTEMPTS', 5, 1, 1000),
    host: textSetting('PROCESSOR_HOST', DEFAULT_HOST),
    port: portSetting('PROCESSOR_PORT', DEFAULT_PORTS.processor),
    janitorIntervalMillis: integerSetting('XRAY_JANITOR_INTERVAL_MS', 600_000, 0, 86_400_000),
    retentionDays: RETENTION_DAYS_SETTING,
    authStore: authStoreSetting(parseStoreSetting),
  };
  return { ...readSettings(env, settings), ...readStorageSettings(env) };
}

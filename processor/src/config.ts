import { hostname } from 'node:os';
import { readInteger } from '@xray/core/service';
import { readStorageSettings, type StorageSettings } from '@xray/core/storage';

/** Processor settings, parsed once at boot from the environment. */
export interface ProcessorConfig extends StorageSettings {
  redisUrl: string;
  stream: string;
  group: string;
  consumer: string;
  /** Most stream entries read and written as one batch. */
  batchEntries: number;
  /** How long a read waits for new entries before looping. */
  blockMillis: number;
  /** Entries pending this long on another consumer are claimed (it probably crashed). */
  claimIdleMillis: number;
  /** Failed writes of one entry, for a reason in its data, after which it is dead-lettered. */
  maxAttempts: number;
  /** Where the health endpoint listens. */
  host: string;
  port: number;
}

/** Reads the processor's environment; throws one clear error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    stream: env.XRAY_STREAM ?? 'xray:spans',
    group: env.XRAY_CONSUMER_GROUP ?? 'xray-processors',
    // Stable across restarts, so a restarted processor finds its own pending entries; give each
    // processor on one host its own name.
    consumer: env.PROCESSOR_CONSUMER || hostname(),
    ...readStorageSettings(env),
    batchEntries: readInteger(env, 'PROCESSOR_BATCH_ENTRIES', 200, 1),
    blockMillis: readInteger(env, 'PROCESSOR_BLOCK_MS', 1000, 1),
    claimIdleMillis: readInteger(env, 'PROCESSOR_CLAIM_IDLE_MS', 60_000, 1000),
    maxAttempts: readInteger(env, 'PROCESSOR_MAX_ATTEMPTS', 5, 1),
    host: env.PROCESSOR_HOST || '127.0.0.1',
    port: readInteger(env, 'PROCESSOR_PORT', 4320, 0),
  };
}

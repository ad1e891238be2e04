import { readInteger, readProjectId } from '@xray/core';
/** The receiver's settings, read from the environment once at boot. */

/** Parsed, checked settings. */
export interface ReceiverConfig {
  /** RECEIVER_PORT, default 4318 (OTLP/HTTP's port). 0 picks a free port. */
  port: number;
  /** RECEIVER_HOST, default 127.0.0.1. */
  host: string;
  /** REDIS_URL, default redis://127.0.0.1:6379. */
  redisUrl: string;
  /** XRAY_STREAM, default `xray:spans`. */
  stream: string;
  /** RECEIVER_MAX_BODY_BYTES, default 20 MiB (the OTel Collector's cap), counted after decompression. */
  maxBodyBytes: number;
  /** XRAY_PROJECT_ID, default `default`: the project every accepted span belongs to until API keys exist. */
  projectId: string;
}

/** Default of {@link ReceiverConfig.maxBodyBytes}. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Above this a single body would strain the process; larger settings are a mistake. */
const MAX_MAX_BODY_BYTES = 1024 * 1024 * 1024;

/** A setting that cannot be used; `variable` names the environment variable to fix. */
export class ConfigError extends Error {
  readonly code = 'XRAY_CONFIG_INVALID';
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${variable}: ${message}`, options);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the settings from `env` (process.env in main.ts), applying defaults to unset or empty
 * variables. Throws {@link ConfigError} naming the first invalid variable.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ReceiverConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    port: integer(env, 'RECEIVER_PORT', 4318, 0, 65535),
    host: get('RECEIVER_HOST') ?? '127.0.0.1',
    redisUrl: redisUrl(get('REDIS_URL') ?? 'redis://127.0.0.1:6379'),
    stream: get('XRAY_STREAM') ?? 'xray:spans',
    maxBodyBytes: integer(env, 'RECEIVER_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1, MAX_MAX_BODY_BYTES),
    projectId: projectId(env),
  };
}

function integer(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, max: number): number {
  try {
    return readInteger(env, name, fallback, min, max);
  } catch (cause) {
    throw new ConfigError(name, (cause as Error).message.replace(`${name} must be `, 'expected '), { cause });
  }
}

function redisUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    // The value is not echoed: it may hold a password.
    throw new ConfigError('REDIS_URL', `expected redis://[:password@]host:port[/db]; the URL is malformed`, { cause });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', `expected a redis:// or rediss:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
}

function projectId(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return readProjectId(env);
  } catch (cause) {
    throw new ConfigError('XRAY_PROJECT_ID', (cause as Error).message.replace(/^XRAY_PROJECT_ID must be /, 'expected '), { cause });
  }
}

import { parseStoreSetting } from '@xray/auth';
import { readInteger } from '@xray/core/service';
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
  /** XRAY_AUTH_STORE: where API keys live, `redis` (default, REDIS_URL), `redis:<prefix>` or `file:<path>`. */
  authStore: string;
  /** XRAY_AUTH_CACHE_MS, default 5,000: how long a looked-up key is trusted (revocation takes this long). */
  authCacheMillis: number;
  /** Per-key defaults, for keys that set none (0 = unlimited). */
  rateLimits: {
    /** RECEIVER_RATE_SPANS_PER_SECOND, default 10,000. */
    spansPerSecond: number;
    /** RECEIVER_RATE_BYTES_PER_SECOND, default 64 MiB. */
    bytesPerSecond: number;
    /** RECEIVER_RATE_BURST_SECONDS, default 2: seconds of traffic a quiet key may send at once. */
    burstSeconds: number;
  };
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
    options?: ErrorOptions
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
    authStore: authStore(get('XRAY_AUTH_STORE')),
    authCacheMillis: integer(env, 'XRAY_AUTH_CACHE_MS', 5000, 0, 3_600_000),
    rateLimits: {
      spansPerSecond: integer(env, 'RECEIVER_RATE_SPANS_PER_SECOND', 10_000, 0, 1e9),
      bytesPerSecond: integer(env, 'RECEIVER_RATE_BYTES_PER_SECOND', 64 * 1024 * 1024, 0, 1e12),
      burstSeconds: integer(env, 'RECEIVER_RATE_BURST_SECONDS', 2, 1, 3600),
    },
  };
}

function integer(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  min: number,
  max: number
): number {
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

function authStore(raw: string | undefined): string {
  try {
    parseStoreSetting(raw);
  } catch (cause) {
    throw new ConfigError(
      'XRAY_AUTH_STORE',
      (cause as Error).message.replace(/^XRAY_AUTH_STORE must be /, 'expected '),
      { cause }
    );
  }
  return raw ?? 'redis';
}

/** The receiver's settings, each declared once with its default, read from the environment once at boot. */
import { parseStoreSetting } from '@xray/auth';
import { DEFAULT_STREAM } from '@xray/core/ingest';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '@xray/otel';
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

export { ConfigError } from '@xray/core/service';

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
  /** XRAY_MAX_PAYLOAD_BYTES, default 64 MiB (the SDK's cap): largest payload upload, counted after decompression. */
  maxPayloadBytes: number;
  /** XRAY_PAYLOAD_UPLOADS, default 8: payload uploads in flight at once; more are answered 503. */
  payloadUploads: number;
  /** Where payload uploads are stored: S3_ENDPOINT, S3_BUCKET, ..., read as the processor reads them. */
  s3: StorageSettings['s3'];
}

/** Default of {@link ReceiverConfig.maxBodyBytes}. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Above this a single body (or payload) would strain the process; larger settings are a mistake. */
const MAX_MAX_BODY_BYTES = 1024 * 1024 * 1024;

const SETTINGS = {
  port: portSetting('RECEIVER_PORT', DEFAULT_PORTS.receiver),
  host: textSetting('RECEIVER_HOST', DEFAULT_HOST),
  redisUrl: REDIS_URL_SETTING,
  stream: textSetting('XRAY_STREAM', DEFAULT_STREAM),
  maxBodyBytes: integerSetting('RECEIVER_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1, MAX_MAX_BODY_BYTES),
  authStore: authStoreSetting(parseStoreSetting),
  authCacheMillis: AUTH_CACHE_SETTING,
  spansPerSecond: integerSetting('RECEIVER_RATE_SPANS_PER_SECOND', 10_000, 0, 1e9),
  bytesPerSecond: integerSetting('RECEIVER_RATE_BYTES_PER_SECOND', 64 * 1024 * 1024, 0, 1e12),
  burstSeconds: integerSetting('RECEIVER_RATE_BURST_SECONDS', 2, 1, 3600),
  maxPayloadBytes: integerSetting('XRAY_MAX_PAYLOAD_BYTES', DEFAULT_MAX_PAYLOAD_BYTES, 1, MAX_MAX_BODY_BYTES),
  payloadUploads: integerSetting('XRAY_PAYLOAD_UPLOADS', 8, 1, 1024),
};

/**
 * Reads the settings from `env` (process.env in main.ts), applying defaults to unset or empty
 * variables. Throws `ConfigError` naming the first invalid variable.
 */
export function parseConfig(env: Env): ReceiverConfig {
  const { spansPerSecond, bytesPerSecond, burstSeconds, ...rest } = readSettings(env, SETTINGS);
  return { ...rest, rateLimits: { spansPerSecond, bytesPerSecond, burstSeconds }, s3: readStorageSettings(env).s3 };
}

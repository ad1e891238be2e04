import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(parseConfig({})).toEqual({
      port: 4318,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      stream: 'xray:spans',
      maxBodyBytes: 20971520,
      authStore: 'redis',
      authCacheMillis: 5000,
      rateLimits: { spansPerSecond: 10_000, bytesPerSecond: 64 * 1024 * 1024, burstSeconds: 2 },
      maxPayloadBytes: 64 * 1024 * 1024,
      payloadUploads: 8,
      s3: {
        endpoint: 'http://127.0.0.1:4569',
        region: 'us-east-1',
        bucket: 'xray-payloads',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      },
    });
  });

  it('reads every variable, and treats empty ones as unset', () => {
    const config = parseConfig({
      RECEIVER_PORT: '0',
      RECEIVER_HOST: '0.0.0.0',
      REDIS_URL: 'rediss://:secret@redis.example:6380/2',
      XRAY_STREAM: 'custom:stream',
      RECEIVER_MAX_BODY_BYTES: ' 1024 ',
      XRAY_AUTH_STORE: 'file:/etc/xray/keys.json',
      XRAY_AUTH_CACHE_MS: '',
      RECEIVER_RATE_SPANS_PER_SECOND: '0',
      RECEIVER_RATE_BYTES_PER_SECOND: '1000',
      RECEIVER_RATE_BURST_SECONDS: '5',
      XRAY_MAX_PAYLOAD_BYTES: '1048576',
      XRAY_PAYLOAD_UPLOADS: '2',
      S3_ENDPOINT: '',
      S3_BUCKET: 'payloads',
    });
    const { s3: _, ...rest } = config;
    expect(rest).toEqual({
      port: 0,
      host: '0.0.0.0',
      redisUrl: 'rediss://:secret@redis.example:6380/2',
      stream: 'custom:stream',
      maxBodyBytes: 1024,
      authStore: 'file:/etc/xray/keys.json',
      authCacheMillis: 5000,
      rateLimits: { spansPerSecond: 0, bytesPerSecond: 1000, burstSeconds: 5 },
      maxPayloadBytes: 1048576,
      payloadUploads: 2,
    });
    // An empty S3_ENDPOINT means AWS itself, as for the processor.
    expect(config.s3).toMatchObject({ endpoint: undefined, bucket: 'payloads' });
  });

  it.each([
    ['RECEIVER_PORT', '70000'],
    ['RECEIVER_PORT', '80a'],
    ['RECEIVER_MAX_BODY_BYTES', '0'],
    ['RECEIVER_MAX_BODY_BYTES', '-5'],
    ['RECEIVER_MAX_BODY_BYTES', '1e6'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['XRAY_AUTH_STORE', 'postgres'],
    ['XRAY_AUTH_STORE', 'file:'],
    ['XRAY_AUTH_CACHE_MS', '-1'],
    ['RECEIVER_RATE_SPANS_PER_SECOND', '1.5'],
    ['RECEIVER_RATE_BURST_SECONDS', '0'],
    ['XRAY_MAX_PAYLOAD_BYTES', '0'],
    ['XRAY_PAYLOAD_UPLOADS', '0'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    let error: unknown;
    try {
      parseConfig({ [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'XRAY_CONFIG_INVALID', variable });
    expect((error as Error).message.startsWith(`${variable}: expected `)).toBe(true);
  });

  it('never echoes a Redis password in its errors', () => {
    expect(() => parseConfig({ REDIS_URL: 'http://:hunter2@host:6379' })).toThrow(/got protocol "http:"$/);
    expect(() => parseConfig({ REDIS_URL: 'redis://:hunter2@host:port' })).toThrow(/^REDIS_URL: [^2]*$/);
  });
});

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
      projectId: 'default',
    });
  });

  it('reads every variable, and treats empty ones as unset', () => {
    const config = parseConfig({
      RECEIVER_PORT: '0',
      RECEIVER_HOST: '0.0.0.0',
      REDIS_URL: 'rediss://:secret@redis.example:6380/2',
      XRAY_STREAM: 'custom:stream',
      RECEIVER_MAX_BODY_BYTES: ' 1024 ',
      XRAY_PROJECT_ID: '',
    });
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      redisUrl: 'rediss://:secret@redis.example:6380/2',
      stream: 'custom:stream',
      maxBodyBytes: 1024,
      projectId: 'default',
    });
  });

  it.each([
    ['RECEIVER_PORT', '70000'],
    ['RECEIVER_PORT', '80a'],
    ['RECEIVER_MAX_BODY_BYTES', '0'],
    ['RECEIVER_MAX_BODY_BYTES', '-5'],
    ['RECEIVER_MAX_BODY_BYTES', '1e6'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['XRAY_PROJECT_ID', 'has space'],
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

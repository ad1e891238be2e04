import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { AUTH_CACHE_SETTING, REDIS_URL_SETTING, authStoreSetting } from './defaults.js';
import { integerSetting, portSetting, readSettings, textSetting } from './settings.js';

const settings = {
  port: portSetting('QUERY_PORT', 8080),
  batchEntries: integerSetting('PROCESSOR_BATCH_ENTRIES', 200, 1, 10_000),
  host: textSetting('QUERY_HOST', '127.0.0.1'),
  redisUrl: REDIS_URL_SETTING,
};

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('readSettings', () => {
  it('gives each setting its default when the variable is unset or blank', () => {
    expect(readSettings({ QUERY_PORT: '  ', QUERY_HOST: '' }, settings)).toEqual({
      port: 8080,
      batchEntries: 200,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it('reads trimmed values, typed', () => {
    const env = { QUERY_PORT: ' 0 ', PROCESSOR_BATCH_ENTRIES: '5', QUERY_HOST: '::', REDIS_URL: 'rediss://h:6380/1' };
    expect(readSettings(env, settings)).toEqual({
      port: 0,
      batchEntries: 5,
      host: '::',
      redisUrl: 'rediss://h:6380/1',
    });
  });

  it('names the variable, the value and what to set instead, in one line', () => {
    const error = errorOf(() => readSettings({ QUERY_PORT: 'abc' }, settings));
    expect(error).toMatchObject({ code: 'XRAY_CONFIG_INVALID', variable: 'QUERY_PORT', value: 'abc' });
    expect(error.line).toBe('QUERY_PORT=abc is not a port: expected a whole number from 0 to 65535');
    expect(error.message).toBe('QUERY_PORT: expected a whole number from 0 to 65535, got "abc"');
  });

  it('tells a malformed number from one out of range', () => {
    expect(errorOf(() => readSettings({ PROCESSOR_BATCH_ENTRIES: '0' }, settings)).line).toBe(
      'PROCESSOR_BATCH_ENTRIES=0 is out of range: expected a whole number from 1 to 10000'
    );
    expect(errorOf(() => readSettings({ PROCESSOR_BATCH_ENTRIES: '1e3' }, settings)).line).toMatch(
      /^PROCESSOR_BATCH_ENTRIES=1e3 is not a whole number: /
    );
    expect(errorOf(() => readSettings({ QUERY_PORT: '70000' }, settings)).problem).toBe('is not a port');
  });

  it('quotes a value with spaces, and never repeats a Redis URL (it may hold a password)', () => {
    expect(errorOf(() => readSettings({ QUERY_PORT: '80 80' }, settings)).line).toMatch(/^QUERY_PORT="80 80" /);
    for (const url of ['http://:hunter2@host:6379', 'redis://:hunter2@host:port']) {
      const error = errorOf(() => readSettings({ REDIS_URL: url }, settings));
      expect(error.value).toBeUndefined();
      expect(`${error.line} ${error.message}`).not.toContain('hunter2');
    }
    expect(errorOf(() => readSettings({ REDIS_URL: 'http://h:1' }, settings)).line).toBe(
      'REDIS_URL is not a Redis URL: expected a redis:// or rediss:// URL, got protocol "http:"'
    );
  });

  it('checks formats owned elsewhere with their own parser', () => {
    const store = authStoreSetting((text) => {
      if (text !== 'redis' && !text.startsWith('file:')) throw new Error('XRAY_AUTH_STORE must be ...');
    });
    expect(readSettings({ XRAY_AUTH_STORE: 'file:/k.json' }, { store })).toEqual({ store: 'file:/k.json' });
    expect(readSettings({}, { store, cache: AUTH_CACHE_SETTING })).toEqual({ store: 'redis', cache: 5000 });
    expect(errorOf(() => readSettings({ XRAY_AUTH_STORE: 'postgres' }, { store })).line).toBe(
      'XRAY_AUTH_STORE=postgres is not a key store: expected "redis", "redis:<key prefix>" or "file:<path>"'
    );
  });
});

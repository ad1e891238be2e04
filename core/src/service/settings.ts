/**
 * Typed environment settings. Each service declares each of its variables once (name, default,
 * parser) in its config.ts and reads them all once at boot; a bad value throws a
 * {@link ConfigError} naming the variable, the value (unless secret) and what to set instead.
 */
import { ConfigError } from './config-error.js';

/** The environment as `process.env` holds it; only a service's main.ts passes the real one. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Why a value cannot be used: what it is not, and what to set instead (see {@link ConfigError}). */
export interface Invalid {
  ok: false;
  problem: string;
  expected: string;
}

/** A parsed value, or why there is none. */
export type Parsed<T> = { ok: true; value: T } | Invalid;

/** One environment variable: its name, its default, and how its text becomes a value. */
export interface Setting<T> {
  readonly variable: string;
  /** The value when the variable is unset or blank. */
  readonly fallback: T;
  /** True when the value may hold a secret: errors then never repeat it. */
  readonly secret?: boolean;
  /** The value of the variable's trimmed, non-empty text. */
  parse(text: string): Parsed<T>;
}

/** The values of a record of settings, key by key. */
export type SettingValues<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads one setting: unset or blank gives its fallback; a bad value throws {@link ConfigError}. */
export function readSetting<T>(env: Env, setting: Setting<T>): T {
  const text = env[setting.variable]?.trim();
  if (text === undefined || text === '') return setting.fallback;
  const parsed = setting.parse(text);
  if (parsed.ok) return parsed.value;
  throw new ConfigError({
    variable: setting.variable,
    value: setting.secret ? undefined : text,
    problem: parsed.problem,
    expected: parsed.expected,
  });
}

/** Reads every setting of a record, in order; throws {@link ConfigError} for the first bad one. */
export function readSettings<S extends Record<string, Setting<unknown>>>(env: Env, settings: S): SettingValues<S> {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) values[key] = readSetting(env, setting);
  return values as SettingValues<S>;
}

const invalid = (problem: string, expected: string): Invalid => ({ ok: false, problem, expected });

/** A whole number from `min` to `max`; put the unit in the variable's name (`_MS`, `_BYTES`). */
export function integerSetting(
  variable: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER
): Setting<number> {
  return {
    variable,
    fallback,
    parse(text) {
      const expected = `a whole number from ${min} to ${max}`;
      if (!/^\d+$/.test(text)) return invalid('is not a whole number', expected);
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < min || value > max) return invalid('is out of range', expected);
      return { ok: true, value };
    },
  };
}

/** A TCP port to listen on; 0 picks a free one. */
export function portSetting(variable: string, fallback: number): Setting<number> {
  const integer = integerSetting(variable, fallback, 0, 65535);
  return {
    ...integer,
    parse: (text) => {
      const parsed = integer.parse(text);
      return parsed.ok ? parsed : { ...parsed, problem: 'is not a port' };
    },
  };
}

/** Any text, e.g. a host name or a key prefix. */
export function textSetting(variable: string, fallback: string): Setting<string> {
  return { variable, fallback, parse: (value) => ({ ok: true, value }) };
}

/** A `redis://` or `rediss://` URL. Secret: it may hold a password, so errors never repeat it. */
export function redisUrlSetting(variable: string, fallback: string): Setting<string> {
  return {
    variable,
    fallback,
    secret: true,
    parse(text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return invalid('is not a URL', 'redis://[:password@]host:port[/db]');
      }
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
        return invalid('is not a Redis URL', `a redis:// or rediss:// URL, got protocol "${url.protocol}"`);
      return { ok: true, value: text };
    },
  };
}

/**
 * Text that `check` accepts, for formats owned by another package (e.g. `@xray/auth`'s key store
 * setting): `check` throws for a bad value, and the error says `problem` and `expected`.
 */
export function checkedSetting(
  variable: string,
  fallback: string,
  o: { problem: string; expected: string; check(text: string): unknown }
): Setting<string> {
  return {
    variable,
    fallback,
    parse(text) {
      try {
        o.check(text);
      } catch {
        return invalid(o.problem, o.expected);
      }
      return { ok: true, value: text };
    },
  };
}

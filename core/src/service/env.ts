import { integerSetting, readSetting, type Env } from './settings.js';

/**
 * A whole-number setting from the environment: unset or empty gives `fallback`; anything else
 * must be an integer in [min, max], or this throws a `ConfigError` naming the variable.
 * (The shorthand of `readSetting(env, integerSetting(...))`, for callers outside the services.)
 */
export function readInteger(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  return readSetting(env, integerSetting(name, fallback, min, max));
}

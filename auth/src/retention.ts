/**
 * How long a project's data is kept: its own `retentionDays`, or the deployment's default
 * (XRAY_RETENTION_DAYS, 30 days). The processor stamps every row it writes with its project's
 * retention through {@link createRetentionLookup}; the janitor removes what is older.
 */
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '@xray/core/model';
import type { Setting } from '@xray/core/service';
import type { KeyStore, ProjectRecord } from './store.js';

export { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS };

/** A project's retention, and whether it is the project's own or the deployment's default. */
export interface Retention {
  days: number;
  source: 'project' | 'default';
}

export interface RetentionLookupOptions {
  /** How long a project's retention is trusted before it is read again, in ms (default 60,000). */
  cacheMillis?: number;
  now?: () => number;
}

const DEFAULT_CACHE_MILLIS = 60_000;
const WHOLE_NUMBER_RE = /^\d+$/;

/**
 * A retention in days: a whole number from 1 to {@link MAX_RETENTION_DAYS}. Otherwise throws an
 * Error whose message names `what` (a setting or an argument) and the accepted range.
 */
export function parseRetentionDays(raw: string | number, what: string): number {
  const text = String(raw).trim();
  const days = typeof raw === 'number' ? raw : WHOLE_NUMBER_RE.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
    throw new Error(
      `${what} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, not ${JSON.stringify(String(raw))}.`
    );
  return days;
}

/** The deployment's default retention: XRAY_RETENTION_DAYS, or {@link DEFAULT_RETENTION_DAYS}. Throws on a bad value. */
export function retentionDefault(env: Record<string, string | undefined> = process.env): number {
  const raw = env.XRAY_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETENTION_DAYS;
  return parseRetentionDays(raw, 'XRAY_RETENTION_DAYS');
}

/** The retention of `project` (undefined: not known, so the default). */
export function retentionOf(project: ProjectRecord | undefined, defaultDays: number): Retention {
  return project?.retentionDays === undefined
    ? { days: defaultDays, source: 'default' }
    : { days: project.retentionDays, source: 'project' };
}

/**
 * A cached lookup of a project's retention, for the processor, which stamps rows with it on every
 * batch: it never throws. While the store is unreachable it answers the project's last known
 * retention, or the default when there is none; a change reaches it within `cacheMillis`.
 */
export function createRetentionLookup(
  store: KeyStore,
  defaultDays: number,
  options: RetentionLookupOptions = {}
): (projectId: string) => Promise<Retention> {
  const cacheMillis = options.cacheMillis ?? DEFAULT_CACHE_MILLIS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { retention: Retention; at: number }>();
  return async (projectId) => {
    const hit = cache.get(projectId);
    if (hit && now() - hit.at < cacheMillis) return hit.retention;
    let project: ProjectRecord | undefined;
    try {
      project = await store.getProject(projectId);
    } catch {
      return hit?.retention ?? retentionOf(undefined, defaultDays);
    }
    const retention = retentionOf(project, defaultDays);
    cache.set(projectId, { retention, at: now() });
    return retention;
  };
}

/** XRAY_RETENTION_DAYS as a service reads it at boot (`readSettings`): a bad value is a ConfigError naming it. */
export const RETENTION_DAYS_SETTING: Setting<number> = {
  variable: 'XRAY_RETENTION_DAYS',
  fallback: DEFAULT_RETENTION_DAYS,
  parse(text) {
    try {
      return { ok: true, value: parseRetentionDays(text, 'XRAY_RETENTION_DAYS') };
    } catch {
      return {
        ok: false,
        problem: 'is not a retention',
        expected: `a whole number of days from 1 to ${MAX_RETENTION_DAYS}`,
      };
    }
  },
};

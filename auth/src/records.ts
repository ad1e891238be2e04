/** Shape checks for records read back from a store (a hand-edited file or a stray Redis write must not crash a service). */
import { KEY_ID_RE, KEY_KINDS } from './keys.js';
import { MAX_RETENTION_DAYS } from './retention.js';
import type { KeyRecord, ProjectRecord } from './store.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isKeyRecord(v: unknown): v is KeyRecord {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    KEY_ID_RE.test(v.id) &&
    typeof v.projectId === 'string' &&
    KEY_KINDS.includes(v.kind as never) &&
    typeof v.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(v.hash)
  );
}

/** A whole number of days from 1 to {@link MAX_RETENTION_DAYS}. */
const isRetentionDays = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_RETENTION_DAYS;

export function isProjectRecord(v: unknown): v is ProjectRecord {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    (v.retentionDays === undefined || isRetentionDays(v.retentionDays)) &&
    (v.deletingSince === undefined || typeof v.deletingSince === 'string')
  );
}

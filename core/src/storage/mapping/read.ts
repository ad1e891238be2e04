import * as C from '@xray/otel';
import { RUN_ID_RE } from '../../model/ids.js';
import type { AttrValue, Attributes, XSpan } from '../../model/span.js';
import { isStorableNanos } from '../../model/time.js';

/** Typed reads of decoded spans and attributes, with defaults: the mapping never throws on odd input. */

/** Largest count kept exactly (UInt64 columns; JavaScript numbers are exact up to 2^53). */
export const UINT64 = Number.MAX_SAFE_INTEGER;

export function str(attrs: Attributes, key: string, fallback = ''): string {
  const value = attrs[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}

/** A non-negative integer count, at most `max` (the column's range; UInt32 by default). */
export function count(attrs: Attributes, key: string, max = 0xffffffff): number {
  const value = Number(attrs[key]);
  return Number.isFinite(value) && value >= 0 ? Math.min(max, Math.floor(value)) : 0;
}

export function num(attrs: Attributes, key: string): number | null {
  const value = attrs[key];
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A JSON-string attribute as its value; the raw string when it is not JSON; undefined when absent. */
export function json(attrs: Attributes, key: string): AttrValue | undefined {
  const value = attrs[key];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as AttrValue;
  } catch {
    return value;
  }
}

/** A span's end, or its start when the end is missing or before it. */
export function endOf(span: XSpan): string {
  const { startTimeUnixNano: start, endTimeUnixNano: end } = span;
  return isStorableNanos(end) && (end.length > start.length || (end.length === start.length && end >= start))
    ? end
    : start;
}

/** The run id: the `xray.run.id` attribute when it has the run id's form, else the trace id (it ends up in S3 keys). */
export function runIdOf(span: XSpan): string {
  const attribute = str(span.attributes, C.ATTR_XRAY_RUN_ID, span.traceId);
  return RUN_ID_RE.test(attribute) ? attribute : span.traceId;
}

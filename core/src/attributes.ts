import type { AttrValue, Attributes } from './span.js';

/** Typed reads of decoded attributes, with defaults: the mapping never throws on odd input. */

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

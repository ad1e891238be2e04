/**
 * Paging: cursors are opaque to clients, base64url JSON of the position after the last row
 * returned. A page is fetched with `limit + 1` rows: the extra row only says that another page exists.
 */
import { RUN_ID_RE } from '@xray/core/model';
import { optional } from './params.js';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** What a cursor is made of: base64url, unpadded. Within it, only a position this API returned passes. */
const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
const CURSOR_RE = new RegExp(CURSOR_PATTERN);

/** The `cursor` parameter: a position this API returned, checked by `check`. */
function cursor<T>(check: (value: unknown) => value is T) {
  return optional(
    'nextCursor of the previous page, as it was returned (opaque: any other value is refused with 400)',
    { type: 'string', pattern: CURSOR_PATTERN },
    (raw): T | undefined => {
      if (!CURSOR_RE.test(raw)) return undefined;
      try {
        const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
        return check(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    () => 'cursor is not one this API returned; start again without it'
  );
}

/** A position among runs: time and run id (and ratio when sorting by ratio). */
export interface RunCursor {
  t: string;
  r: string;
  x?: number;
}
const CURSOR_TIME_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/;
export const runCursor = cursor(
  (v): v is RunCursor =>
    typeof v === 'object' &&
    v !== null &&
    CURSOR_TIME_RE.test(String((v as RunCursor).t)) &&
    RUN_ID_RE.test(String((v as RunCursor).r)) &&
    ((v as RunCursor).x === undefined || Number.isFinite((v as RunCursor).x))
);

/** A position among a step's decisions: a sequence number. */
export const seqCursor = cursor(
  (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
);

/** A position among items: an item id. */
export const itemCursor = cursor((v): v is string => typeof v === 'string' && v.length <= 512);

/** One page of rows fetched with `limit + 1`; the cursor is the position of the last row returned. */
export function paginate<R>(
  found: R[],
  limit: number,
  position: (last: R) => unknown
): { items: R[]; nextCursor: string | null } {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}

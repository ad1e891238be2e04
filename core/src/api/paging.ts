/** Pages of a list answer: how many rows one holds, and the cursor to the next. */
import { z } from 'zod';

/** The most rows one page of a list holds (`limit` of the list routes). */
export const MAX_PAGE_SIZE = 1000;
/** The page size when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 50;
/**
 * {@link MAX_PAGE_SIZE} as a type, for clients that may import types only (the Grafana plugin):
 * `const MAX_ROWS: MaxPageSize = 1000` fails to compile once the two differ.
 */
export type MaxPageSize = typeof MAX_PAGE_SIZE;

/** Where the next page starts: pass it back as `cursor`; null on the last page. */
export const NextCursor = z
  .string()
  .nullable()
  .describe('Pass as `cursor` to get the next page; null on the last page. Opaque.');

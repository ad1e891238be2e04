import { useSearchParams } from 'react-router-dom';
import { TZ_PARAM } from './timeZone';

/** The URL parameter that holds how many rows a page's list shows (see rowList.ts). */
export const ROWS_PARAM = 'rows';
/** Parameters that open something over a list without changing it; any other change starts the list over. */
const KEEPS_ROWS = new Set([ROWS_PARAM, TZ_PARAM, 'decision']);

/** Changes to a page's query parameters: a value sets one, undefined or empty removes it. */
export type UrlUpdate = (changes: Record<string, string | undefined>) => void;

/**
 * A page's state in its URL (so every view is a link): the current parameters and a way to change
 * some. A new filter or time range also drops `rows`: the new list starts from its first page.
 */
export function useUrlState(): [URLSearchParams, UrlUpdate] {
  const [search, setSearch] = useSearchParams();
  const update: UrlUpdate = (changes) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value) {
        next.set(name, value);
      } else {
        next.delete(name);
      }
    }
    if (Object.keys(changes).some((name) => !KEEPS_ROWS.has(name))) {
      next.delete(ROWS_PARAM);
    }
    setSearch(next);
  };
  return [search, update];
}

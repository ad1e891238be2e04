import type { Params, XRayApiError } from './api/client';
import { useApiQuery } from './api/context';
import { useUrlState } from './urlState';

/** The query API's largest page, and so the most rows a list shows. */
export const MAX_ROWS = 1000;
/** The URL parameter that holds how many rows a page's list shows. */
export const ROWS_PARAM = 'rows';

export interface RowList<T> {
  /** The answer for the rows asked for; while more rows load, the answer they extend. */
  data?: T;
  loading: boolean;
  error?: XRayApiError;
  reload: () => void;
  /** Asks for another page of rows; undefined when there are no more, or while they load. */
  loadMore?: () => void;
  /** More rows are loading below the ones shown. */
  loadingMore: boolean;
  /** More rows exist than a list shows (MAX_ROWS): narrowing the filters is the way to them. */
  capped: boolean;
}

/**
 * A list whose length is part of the page's state: `?rows=` in the URL, so a pasted link shows the
 * rows its sender saw. "Load more" asks again from the top for `pageSize` more rows (one request,
 * up to MAX_ROWS), and the rows already shown stay on screen while they load.
 */
export function useRowList<T extends { nextCursor: string | null }>(path: string, params: Params, pageSize: number): RowList<T> {
  const [search, update] = useUrlState();
  const asked = Number(search.get(ROWS_PARAM));
  const limit = Number.isInteger(asked) && asked > pageSize ? Math.min(asked, MAX_ROWS) : pageSize;
  const query = useApiQuery<T>(path, { ...params, limit });
  const previous = query.previous;
  const loadingMore =
    query.loading && previous !== undefined && previous.path === path && Number(previous.params.limit) < limit && sameFilters(previous.params, params);
  const data = query.data ?? (loadingMore ? previous!.data : undefined);
  const more = Boolean(data?.nextCursor);
  return {
    data,
    loading: query.loading,
    error: query.error,
    reload: query.reload,
    loadMore: more && limit < MAX_ROWS && !query.loading ? () => update({ [ROWS_PARAM]: String(Math.min(limit + pageSize, MAX_ROWS)) }) : undefined,
    loadingMore,
    capped: more && limit >= MAX_ROWS,
  };
}

function sameFilters(before: Params, now: Params): boolean {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  names.delete('limit');
  return [...names].every((name) => before[name] === now[name]);
}

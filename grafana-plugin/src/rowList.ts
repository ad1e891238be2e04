import type { Params, XRayApiError } from './api/client';
import { useApiQuery } from './api/context';
import type { MaxPageSize } from './api/types';
import { ROWS_PARAM, useUrlState } from './urlState';

/**
 * The query API's largest page, and so the most rows a list shows. Typed as the API's own limit
 * (MAX_PAGE_SIZE of @xray/core/api, types only): the build fails when the two differ.
 */
export const MAX_ROWS: MaxPageSize = 1000;

export interface RowList<T> {
  /** The answer for the rows asked for; while it loads (or when more rows failed), the one shown before. */
  data?: T;
  loading: boolean;
  error?: XRayApiError;
  reload: () => void;
  /** Asks for another page of rows (or again, after that failed); undefined when there are no more, or while they load. */
  loadMore?: () => void;
  /** More rows are loading below the ones shown. */
  loadingMore: boolean;
  /** More rows exist than a list shows (MAX_ROWS): narrowing the filters is the way to them. */
  capped: boolean;
}

/**
 * A list whose length is part of the page's state: `?rows=` in the URL, so a pasted link shows the
 * rows its sender saw. "Load more" asks again from the top for `pageSize` more rows (one request,
 * up to MAX_ROWS). The rows on screen stay while more load, while the list refreshes or its time
 * range changes (same filters otherwise), and when more rows fail, so an error does not take them away.
 */
export function useRowList<T extends { nextCursor: string | null }>(
  path: string,
  params: Params,
  pageSize: number
): RowList<T> {
  const [search, update] = useUrlState();
  const asked = Number(search.get(ROWS_PARAM));
  const limit = Number.isInteger(asked) && asked > pageSize ? Math.min(asked, MAX_ROWS) : pageSize;
  const query = useApiQuery<T>(path, { ...params, limit });
  const previous = query.previous;
  const sameList = previous !== undefined && previous.path === path && sameFilters(previous.params, params);
  const growing = sameList && Number(previous.params.limit) < limit;
  const failedMore = growing && query.error !== undefined;
  const data = query.data ?? ((sameList && query.loading) || failedMore ? previous?.data : undefined);
  const more = Boolean(data?.nextCursor);
  const askMore = () => update({ [ROWS_PARAM]: String(Math.min(limit + pageSize, MAX_ROWS)) });
  return {
    data,
    loading: query.loading,
    error: query.error,
    reload: query.reload,
    loadMore: failedMore ? query.reload : more && limit < MAX_ROWS && !query.loading ? askMore : undefined,
    loadingMore: growing && query.loading,
    capped: more && limit >= MAX_ROWS,
  };
}

/** The same list: the same filters, whatever the page size and however the time range moved on. */
function sameFilters(before: Params, now: Params): boolean {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  for (const moving of ['limit', 'from', 'to']) {
    names.delete(moving);
  }
  return [...names].every((name) => before[name] === now[name]);
}

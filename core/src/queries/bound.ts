/**
 * Read queries for the query API: pure functions returning `{ query, query_params }` for
 * `@clickhouse/client`. Every value is a bound parameter; every query filters by project first
 * (the sort key's prefix) and reads with FINAL so re-delivered rows are counted once.
 *
 * Text renderings of times get their own aliases: in ClickHouse an alias named like a column
 * shadows the column everywhere in the query (ORDER BY, WHERE), which would compare strings.
 */
export interface BoundQuery {
  query: string;
  query_params: Record<string, unknown>;
}

/** Adds a run start-time range (from inclusive, to exclusive, ms since epoch) to a query's conditions. */
export function startedWithin(
  where: string[],
  params: Record<string, unknown>,
  f: { fromMillis?: number; toMillis?: number }
): void {
  if (f.fromMillis !== undefined) {
    where.push('started_at >= fromUnixTimestamp64Milli({fromMs:Int64})');
    params.fromMs = f.fromMillis;
  }
  if (f.toMillis !== undefined) {
    where.push('started_at < fromUnixTimestamp64Milli({toMs:Int64})');
    params.toMs = f.toMillis;
  }
}

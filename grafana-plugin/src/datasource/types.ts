import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** What a series is drawn for: each pipeline's runs, or each step of one pipeline. */
export type SeriesBy = 'pipeline' | 'step';

/** The number plotted per bucket; each is a field of the query API's TrendPoint. */
export type TrendMetric = 'eliminationRatio' | 'eliminated' | 'input' | 'runs';

/** One panel query: which series, which number, and optionally a fixed bucket size. */
export interface XRayQuery extends DataQuery {
  by: SeriesBy;
  /** Required when by is 'step'; may hold template variables ($pipeline). */
  pipeline?: string;
  /** One step's series only (by 'step'). */
  step?: string;
  metric: TrendMetric;
  /** 30s, 5m, 1h, 1d; unset: chosen from the panel's interval. */
  interval?: string;
}

/** A new query: each pipeline's elimination ratio. */
export const DEFAULT_QUERY = { by: 'pipeline', metric: 'eliminationRatio' } as const satisfies Partial<XRayQuery>;

/** Settings in the data source's jsonData (sent to the browser). */
export interface XRayDataSourceOptions extends DataSourceJsonData {
  apiUrl?: string;
}

/** Settings Grafana keeps server-side and adds to proxied requests; never sent to the browser. */
export interface XRaySecureJsonData {
  apiKey?: string;
}

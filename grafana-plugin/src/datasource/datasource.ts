import {
  DataSourceApi,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataFrame,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { proxyApi, toApiError, XRayApiError, type XRayApi } from '../api/client';
import type { PipelineListResponse, RunListResponse, TrendResponse } from '../api/types';
import { DS_PROXY_ROUTE } from './constants';
import { trendFrames } from './frames';
import { chooseInterval } from './interval';
import { DEFAULT_QUERY, type XRayDataSourceOptions, type XRayQuery } from './types';

/** Error sentences send the user to the data source's own settings (its URL and key are its own). */
const DS_SETTINGS = 'in the X-Ray data source settings';

type TargetResult = { frames: DataFrame[] } | { error: DataQueryError };

/**
 * Elimination over time from the query API's /v1/trends, through this data source's proxy route
 * (Grafana adds the read key server-side; the browser never holds it).
 */
export class XRayDataSource extends DataSourceApi<XRayQuery, XRayDataSourceOptions> {
  private readonly api: XRayApi;

  constructor(instanceSettings: DataSourceInstanceSettings<XRayDataSourceOptions>) {
    super(instanceSettings);
    this.api = proxyApi(
      `${instanceSettings.url}/${DS_PROXY_ROUTE}`,
      instanceSettings.jsonData.apiUrl ?? '',
      DS_SETTINGS
    );
  }

  getDefaultQuery(): Partial<XRayQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: XRayQuery): boolean {
    return !query.hide;
  }

  /** Dashboard variables ($pipeline) in the text fields, resolved for this panel. */
  applyTemplateVariables(query: XRayQuery, scopedVars: ScopedVars): XRayQuery {
    const templates = getTemplateSrv();
    const resolve = (text: string | undefined) => (text ? templates.replace(text, scopedVars) : undefined);
    return {
      ...query,
      pipeline: resolve(query.pipeline),
      step: resolve(query.step),
      // The API takes `5m`, not ` 5m `: what a person types into the field, trimmed.
      interval: resolve(query.interval)?.trim() || undefined,
    };
  }

  /** One frame per series per query; a failed query is reported as its error, the others still draw. */
  async query(request: DataQueryRequest<XRayQuery>): Promise<DataQueryResponse> {
    const targets = request.targets.filter((t) => this.filterQuery(t));
    const results = await Promise.all(
      targets.map((t) => this.runTarget(this.applyTemplateVariables(t, request.scopedVars), request))
    );
    const data = results.flatMap((r) => ('frames' in r ? r.frames : []));
    const errors = results.flatMap((r) => ('error' in r ? [r.error] : []));
    return errors.length > 0 ? { data, errors } : { data };
  }

  private async runTarget(query: XRayQuery, request: DataQueryRequest<XRayQuery>): Promise<TargetResult> {
    const by = query.by ?? DEFAULT_QUERY.by;
    const metric = query.metric ?? DEFAULT_QUERY.metric;
    if (by === 'step' && !query.pipeline) {
      return {
        error: {
          refId: query.refId,
          message: 'Per-step series need a pipeline: set Pipeline in the query editor (or use $pipeline).',
        },
      };
    }
    const from = request.range.from.valueOf();
    const to = request.range.to.valueOf();
    try {
      const answer = await this.api.get<TrendResponse>('/v1/trends', {
        by,
        pipeline: query.pipeline,
        step: by === 'step' ? query.step : undefined,
        interval: query.interval || chooseInterval(request.intervalMs, to - from),
        from,
        to,
      });
      return { frames: trendFrames(answer, metric, query.refId) };
    } catch (err) {
      const error = this.toError(err);
      return { error: { refId: query.refId, message: error.message, status: error.status } };
    }
  }

  /** Pipeline names for a dashboard variable: the pipelines that ran in the range (all, if none given). */
  async metricFindQuery(_query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    try {
      const answer = await this.api.get<PipelineListResponse>('/v1/pipelines', {
        from: options?.range?.from.valueOf(),
        to: options?.range?.to.valueOf(),
      });
      return answer.pipelines.map((p) => ({ text: p.name, value: p.name }));
    } catch (err) {
      throw this.toError(err);
    }
  }

  /** "Save & test": one cheap read with the configured URL and key. */
  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.api.apiUrl) {
      return {
        status: 'error',
        message: 'Set the query API URL (for example http://query:8080) and a read key (xrr_…).',
      };
    }
    try {
      await this.api.get<RunListResponse>('/v1/runs', { limit: 1 });
      return {
        status: 'success',
        message: `Connected to the X-Ray query API at ${this.api.apiUrl}; the read key works.`,
      };
    } catch (err) {
      return { status: 'error', message: this.toError(err).message };
    }
  }

  private toError(err: unknown): XRayApiError {
    return err instanceof XRayApiError ? err : toApiError(err, this.api.apiUrl, DS_SETTINGS);
  }
}

import { of, throwError, type Observable } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CoreApp,
  dateTime,
  FieldType,
  getFieldDisplayName,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type ScopedVars,
} from '@grafana/data';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type TemplateSrv,
} from '@grafana/runtime';
import pipelinesJson from '../../test/fixtures/pipelines.json';
import runsJson from '../../test/fixtures/runs.json';
import trendsPipelineJson from '../../test/fixtures/trends-pipeline.json';
import trendsStepsJson from '../../test/fixtures/trends-steps.json';
import type { PipelineListResponse, RunListResponse, TrendResponse } from '../api/types';
import { XRayDataSource } from './datasource';
import type { XRayDataSourceOptions, XRayQuery } from './types';

/** A query API answer recorded from a running stack (e2e/src/grafana/fixtures.test.ts), read as it is on disk. */
interface Fixture<T> {
  path: string;
  status: number;
  body: T;
}
const trendsPipeline = trendsPipelineJson as unknown as Fixture<TrendResponse>;
const trendsSteps = trendsStepsJson as unknown as Fixture<TrendResponse>;
const runs = runsJson as unknown as Fixture<RunListResponse>;
const pipelines = pipelinesJson as unknown as Fixture<PipelineListResponse>;

const API_URL = 'http://query:8080';
const PROXY = '/api/datasources/proxy/uid/xray';

type Answer = Fixture<unknown> | { error: { status: number; data: unknown; statusText: string } };

/** Stands in for Grafana's data source proxy (nothing of Grafana's server runs here): answers every call with `answer`. */
function stubProxy(answer: Answer): string[] {
  const urls: string[] = [];
  const fetch = (options: BackendSrvRequest): Observable<unknown> => {
    urls.push(options.url);
    return 'error' in answer ? throwError(() => answer.error) : of({ data: answer.body, status: answer.status });
  };
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return urls;
}

/** A dashboard where $pipeline is vendor-search. */
function stubTemplates(values: Record<string, string> = { pipeline: 'vendor-search' }) {
  const replace = (text?: string, scoped?: ScopedVars) =>
    (text ?? '').replace(/\$(\w+)/g, (whole, name: string) => String(scoped?.[name]?.value ?? values[name] ?? whole));
  setTemplateSrv({ replace } as unknown as TemplateSrv);
}

function dataSource(apiUrl: string | undefined = API_URL): XRayDataSource {
  return new XRayDataSource({
    id: 1,
    uid: 'xray',
    type: 'xray-pipeline-datasource',
    name: 'X-Ray',
    url: PROXY,
    jsonData: { apiUrl },
    meta: {},
    readOnly: false,
    access: 'proxy',
  } as unknown as DataSourceInstanceSettings<XRayDataSourceOptions>);
}

/** A panel's request over the recorded answer's time range. */
function request(
  targets: Array<Partial<XRayQuery>>,
  intervalMs = 60_000,
  answer: Fixture<TrendResponse> = trendsPipeline
): DataQueryRequest<XRayQuery> {
  const from = dateTime(answer.body.from);
  const to = dateTime(answer.body.to);
  return {
    requestId: 'r1',
    app: CoreApp.Dashboard,
    interval: `${intervalMs / 1000}s`,
    intervalMs,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      by: 'pipeline',
      metric: 'eliminationRatio',
      ...t,
    })),
    timezone: 'utc',
    startTime: Date.now(),
  };
}

const params = (url: string) => Object.fromEntries(new URL(url, 'http://grafana').searchParams);

beforeEach(() => stubTemplates());

describe('query', () => {
  it('draws one elimination-ratio series per pipeline, in percent, with the recorded points', async () => {
    const urls = stubProxy(trendsPipeline);
    const { data, errors } = await dataSource().query(request([{ by: 'pipeline', metric: 'eliminationRatio' }]));

    expect(errors).toBeUndefined();
    expect(urls[0]).toMatch(new RegExp(`^${PROXY}/xray/v1/trends\\?`));
    const series = trendsPipeline.body.series;
    expect(series.length).toBeGreaterThan(0);
    expect(data.map((f) => f.name)).toEqual(series.map((s) => s.pipeline));
    data.forEach((frame, i) => {
      const [time, value] = frame.fields;
      expect(time.name).toBe('time');
      expect(time.type).toBe(FieldType.time);
      expect(value.name).toBe('eliminationRatio');
      expect(value.config.unit).toBe('percentunit');
      expect(getFieldDisplayName(value, frame, data)).toBe(series[i].pipeline);
      expect(frame.length).toBe(series[i].points.length);
      expect(time.values).toEqual(series[i].points.map((p) => p.timeMs));
      expect(value.values).toEqual(series[i].points.map((p) => p.eliminationRatio));
      expect(frame.refId).toBe('A');
    });
  });

  it('names per-step series "pipeline › step" and plots counts as plain numbers', async () => {
    stubProxy(trendsSteps);
    const { data } = await dataSource().query(
      request([{ by: 'step', pipeline: 'vendor-search', metric: 'eliminated' }], 60_000, trendsSteps)
    );

    const series = trendsSteps.body.series;
    expect(data.map((f) => f.name)).toEqual(series.map((s) => `vendor-search › ${s.step}`));
    expect(data.map((f) => getFieldDisplayName(f.fields[1], f, data))).toEqual(
      series.map((s) => `vendor-search › ${s.step}`)
    );
    data.forEach((frame, i) => {
      expect(frame.fields[1].name).toBe('eliminated');
      expect(frame.fields[1].config.unit).toBe('short');
      expect(frame.fields[1].values).toEqual(series[i].points.map((p) => p.eliminated));
    });
  });

  it('asks for the panel time range and the series, metric and step it was given', async () => {
    const urls = stubProxy(trendsSteps);
    const req = request([
      { by: 'step', pipeline: 'vendor-search', step: 'filter-by-keywords', metric: 'input', interval: '5m' },
    ]);
    await dataSource().query(req);

    expect(params(urls[0])).toEqual({
      by: 'step',
      pipeline: 'vendor-search',
      step: 'filter-by-keywords',
      interval: '5m',
      from: String(req.range.from.valueOf()),
      to: String(req.range.to.valueOf()),
    });
  });

  it('chooses a bucket size the API accepts from the panel interval: at least 30s, at most 1d', async () => {
    const urls = stubProxy(trendsPipeline);
    const ds = dataSource();
    await ds.query(request([{}], 1_000));
    await ds.query(request([{}], 45_000));
    await ds.query(request([{}], 30 * 86_400_000));
    expect(urls.map((u) => params(u).interval)).toEqual(['30s', '1m', '1d']);
  });

  it('substitutes dashboard variables in pipeline and step', async () => {
    stubTemplates({ pipeline: 'vendor-search', step: 'filter-by-score' });
    const urls = stubProxy(trendsSteps);
    await dataSource().query(request([{ by: 'step', pipeline: '$pipeline', step: '$step' }]));
    expect(params(urls[0])).toMatchObject({ pipeline: 'vendor-search', step: 'filter-by-score' });
  });

  it('leaves out hidden queries and asks nothing for per-step series without a pipeline', async () => {
    const urls = stubProxy(trendsSteps);
    const { data, errors } = await dataSource().query(request([{ hide: true }, { by: 'step' }]));
    expect(urls).toEqual([]);
    expect(data).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({ refId: 'B', message: expect.stringContaining('Per-step series need a pipeline') }),
    ]);
  });

  it("reads Grafana's data source proxy answer to an upstream 401 (a 400 'Authentication to data source failed') as a refused key", async () => {
    stubProxy({ error: { status: 400, statusText: 'Bad Request', data: 'Authentication to data source failed' } });
    const { errors } = await dataSource().query(request([{}]));
    expect(errors?.[0].message).toBe(
      'The query API refused the read key (401). Set a read key (xrr_…) in the X-Ray data source settings.'
    );
    stubProxy({
      error: { status: 400, statusText: 'Bad Request', data: { message: 'Authentication to data source failed' } },
    });
    expect((await dataSource().testDatasource()).message).toBe(
      'The query API refused the read key (401). Set a read key (xrr_…) in the X-Ray data source settings.'
    );
  });

  it('shows the sentence for a refused key (401), pointing at the data source settings', async () => {
    stubProxy({
      error: {
        status: 401,
        statusText: 'Unauthorized',
        data: { error: { code: 'unauthorized', message: 'unknown key' } },
      },
    });
    const { data, errors } = await dataSource().query(request([{}]));
    expect(data).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({
        refId: 'A',
        status: 401,
        message: 'The query API refused the read key (401). Set a read key (xrr_…) in the X-Ray data source settings.',
      }),
    ]);
  });

  it('says where the query API is when it cannot be reached (502)', async () => {
    stubProxy({ error: { status: 502, statusText: 'Bad Gateway', data: {} } });
    const { errors } = await dataSource().query(request([{}]));
    expect(errors?.[0].message).toBe(
      `Query API unreachable at ${API_URL} (502). Check that it runs and that the URL set in the X-Ray data source settings is right.`
    );
  });

  it("passes on the API's own sentence for a bad parameter (400)", async () => {
    const message = 'interval must be a number and a unit s, m, h or d, such as 30s, 5m, 1h or 1d, got "soon"';
    stubProxy({
      error: { status: 400, statusText: 'Bad Request', data: { error: { code: 'invalid_parameter', message } } },
    });
    const { errors } = await dataSource().query(request([{ interval: 'soon' }]));
    expect(errors?.[0].message).toBe(message);
  });
});

describe('metricFindQuery', () => {
  it('lists the pipelines that ran in the range, for a $pipeline variable', async () => {
    const urls = stubProxy(pipelines);
    const range = { from: dateTime(1_000), to: dateTime(2_000), raw: { from: 'now-1h', to: 'now' } };
    const values = await dataSource().metricFindQuery('pipelines', { range });
    const expected = pipelines.body.pipelines.map((p) => p.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(values).toEqual(expected.map((name) => ({ text: name, value: name })));
    expect(urls[0]).toBe(`${PROXY}/xray/v1/pipelines?from=1000&to=2000`);
  });
});

describe('testDatasource', () => {
  it('reports success after reading one run', async () => {
    const urls = stubProxy(runs);
    expect(await dataSource().testDatasource()).toEqual({
      status: 'success',
      message: `Connected to the X-Ray query API at ${API_URL}; the read key works.`,
    });
    expect(urls).toEqual([`${PROXY}/xray/v1/runs?limit=1`]);
  });

  it("reports the API error's sentence: an ingest key instead of a read key (403)", async () => {
    stubProxy({
      error: {
        status: 403,
        statusText: 'Forbidden',
        data: { error: { code: 'forbidden', message: 'read key needed' } },
      },
    });
    expect(await dataSource().testDatasource()).toEqual({
      status: 'error',
      message:
        'The key set in the X-Ray data source settings is not a read key (403): it needs a read key (xrr_…), not an ingest key.',
    });
  });

  it('asks for a URL before calling anything when none is set', async () => {
    const urls = stubProxy(runs);
    const result = await dataSource('').testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^Set the query API URL/);
    expect(urls).toEqual([]);
  });
});

import type { ErrorResponse, TrendResponse } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type StepSpec } from './routes.fixture.js';

let stack: RouteStack;
const t0 = Date.parse('2026-11-20T12:00:00Z');
const range = `from=${t0}&to=${t0 + 2 * 3600_000}`;
const steps = (eliminated: number): StepSpec[] => [
  {
    name: 'filter',
    decisions: Array.from({ length: 4 }, (_, i) => [`doc-${i}`, i < eliminated ? 'eliminated' : 'kept', 'r']),
  },
  { name: 'cap', input: 4 - eliminated, decisions: [['doc-3', 'eliminated', 'cut']] },
];

beforeAll(async () => {
  stack = await openRouteStack('trends');
  await stack.write([
    { pipeline: 'search', at: t0, steps: steps(1) },
    { pipeline: 'search', at: t0 + 1800_000, steps: steps(2) },
    { pipeline: 'search', at: t0 + 4200_000, steps: steps(0) },
    { pipeline: 'other', at: t0 + 300_000, steps: steps(3) },
  ]);
});
afterAll(() => stack.close());

const points = (body: TrendResponse, pipeline: string, step: string | null = null) =>
  body.series
    .find((s) => s.pipeline === pipeline && s.step === step)
    ?.points.map((p) => [p.time, p.runs, p.input, p.eliminated]);

describe('GET /v1/trends', () => {
  it('gives elimination per pipeline in time buckets', async () => {
    const { status, body } = await stack.get<TrendResponse>(`/v1/trends?interval=1h&${range}`);
    expect(status).toBe(200);
    expect([body.intervalSeconds, body.from, body.to]).toEqual([
      3600,
      '2026-11-20T12:00:00.000Z',
      '2026-11-20T14:00:00.000Z',
    ]);
    expect(points(body, 'search')).toEqual([
      ['2026-11-20T12:00:00.000Z', 2, 8, 5],
      ['2026-11-20T13:00:00.000Z', 1, 4, 1],
    ]);
    expect(points(body, 'other')).toEqual([['2026-11-20T12:00:00.000Z', 1, 4, 4]]);
    const first = body.series.find((s) => s.pipeline === 'search')!.points[0]!;
    expect([first.timeMs, first.eliminationRatio]).toEqual([t0, 5 / 8]);
  });

  it('gives one series per step of a pipeline, or of one step, read exactly or eventually', async () => {
    const { body } = await stack.get<TrendResponse>(`/v1/trends?pipeline=search&by=step&interval=2h&${range}`);
    expect(body.series.map((s) => s.step).sort()).toEqual(['cap', 'filter']);
    expect(points(body, 'search', 'filter')).toEqual([['2026-11-20T12:00:00.000Z', 3, 12, 3]]);
    const { body: one } = await stack.get<TrendResponse>(
      `/v1/trends?pipeline=search&step=cap&consistency=eventual&${range}`
    );
    expect(one.series.map((s) => [s.step, s.points.length])).toEqual([['cap', 2]]);
  });

  it('reads the last 24 hours at 1h when no range or interval is given', async () => {
    const before = Date.now();
    const { body } = await stack.get<TrendResponse>('/v1/trends');
    expect(body.intervalSeconds).toBe(3600);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(24 * 3600_000);
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(before);
    const { body: since } = await stack.get<TrendResponse>(`/v1/trends?to=${t0 + 3600_000}`);
    expect(since.from).toBe('2026-11-19T13:00:00.000Z');
  });

  it('explains bad parameters', async () => {
    const bad = async (query: string) => {
      const { status, body } = await stack.get<ErrorResponse>(`/v1/trends?${query}`);
      expect(status).toBe(400);
      return body.error.message;
    };
    expect(await bad('interval=5x')).toBe(
      'interval must be a number and a unit s, m, h or d, such as 30s, 5m, 1h or 1d, got "5x"'
    );
    expect(await bad('by=step')).toBe('per-step trends need a pipeline: add pipeline=<name>');
    expect(await bad('step=cap')).toBe('per-step trends need a pipeline: add pipeline=<name>');
    expect(await bad('interval=1s')).toBe(
      'from..to at interval 1s makes more than 10000 points per series; use a longer interval or a shorter range'
    );
    expect(await bad('from=2026-01-02&to=2026-01-01')).toBe('from must be before to');
    expect(await bad('by=run')).toBe('by must be one of pipeline, step; got "run"');
    expect(await bad('consistency=sometimes')).toBe('consistency must be one of exact, eventual; got "sometimes"');
  });

  it("shows only the key's own project", async () => {
    const { body } = await stack.get<TrendResponse>(`/v1/trends?${range}`, stack.keys[stack.projects[1]!]);
    expect(body.series).toEqual([]);
  });
});

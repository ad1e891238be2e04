import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import type { TrendResponse, TrendSeries } from '../api/types';
import type { TrendMetric } from './types';

/** Grafana units: ratios are 0..1 (shown as %), the rest are counts. */
const UNITS: Record<TrendMetric, string> = {
  eliminationRatio: 'percentunit',
  eliminated: 'short',
  input: 'short',
  runs: 'short',
};

/** What a panel's legend shows for a series: `pipeline`, or `pipeline › step`. */
export function seriesName(series: TrendSeries): string {
  return series.step === null ? series.pipeline : `${series.pipeline} › ${series.step}`;
}

/** One time-series frame per series of a /v1/trends answer, plotting `metric`. */
export function trendFrames(answer: TrendResponse, metric: TrendMetric, refId: string): DataFrame[] {
  return answer.series.map((series) => {
    const name = seriesName(series);
    const labels: Record<string, string> = { pipeline: series.pipeline };
    if (series.step !== null) {
      labels.step = series.step;
    }
    return createDataFrame({
      refId,
      name,
      fields: [
        { name: 'time', type: FieldType.time, values: series.points.map((p) => p.timeMs) },
        {
          name: metric,
          type: FieldType.number,
          values: series.points.map((p) => p[metric]),
          labels,
          config: {
            displayNameFromDS: name,
            unit: UNITS[metric],
            ...(metric === 'eliminationRatio' ? { min: 0, max: 1 } : { decimals: 0 }),
          },
        },
      ],
    });
  });
}

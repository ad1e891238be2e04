/**
 * The bucket size of a trend query. The query API returns at most 10,000 points per series; panels
 * ask for anything from 1 ms up, so the panel's interval is rounded up to the next bucket size, from
 * 30s to 1d (this data source's choice), that lines up with clock minutes, hours and days.
 */

/** Bucket sizes offered, ascending: the first is the smallest the API serves, the last the largest. */
export const INTERVALS: ReadonlyArray<{ text: string; seconds: number }> = [
  { text: '30s', seconds: 30 },
  { text: '1m', seconds: 60 },
  { text: '2m', seconds: 120 },
  { text: '5m', seconds: 300 },
  { text: '10m', seconds: 600 },
  { text: '15m', seconds: 900 },
  { text: '30m', seconds: 1800 },
  { text: '1h', seconds: 3600 },
  { text: '2h', seconds: 7200 },
  { text: '3h', seconds: 10_800 },
  { text: '6h', seconds: 21_600 },
  { text: '12h', seconds: 43_200 },
  { text: '1d', seconds: 86_400 },
];

/** Most points the query API returns per series (query/src/routes/trends.ts). */
export const MAX_POINTS_PER_SERIES = 10_000;

/**
 * The smallest offered interval at least `panelIntervalMs` long that keeps `rangeMs` within
 * {@link MAX_POINTS_PER_SERIES} points; clamped to 30s..1d.
 */
export function chooseInterval(panelIntervalMs: number, rangeMs: number): string {
  const wantedSeconds = Math.max(panelIntervalMs / 1000, rangeMs / 1000 / MAX_POINTS_PER_SERIES);
  const fit = INTERVALS.find((i) => i.seconds >= wantedSeconds);
  return (fit ?? INTERVALS[INTERVALS.length - 1]).text;
}

import { describe, expect, it } from 'vitest';
import { chooseInterval, INTERVALS, MAX_POINTS_PER_SERIES } from './interval';

const HOUR = 3_600_000;

describe('chooseInterval', () => {
  it('never goes below 30s nor above 1d, the bucket sizes the query API serves', () => {
    expect(chooseInterval(1, HOUR)).toBe('30s');
    expect(chooseInterval(0, HOUR)).toBe('30s');
    expect(chooseInterval(365 * 24 * HOUR, 400 * 24 * HOUR)).toBe('1d');
  });

  it("rounds the panel's interval up to the next clock-aligned size", () => {
    expect(chooseInterval(30_000, HOUR)).toBe('30s');
    expect(chooseInterval(45_000, HOUR)).toBe('1m');
    expect(chooseInterval(4 * 60_000, 24 * HOUR)).toBe('5m');
    expect(chooseInterval(HOUR, 24 * HOUR)).toBe('1h');
  });

  it('keeps a long range within the points the API returns per series', () => {
    const range = 30 * 24 * HOUR;
    const chosen = INTERVALS.find((i) => i.text === chooseInterval(1_000, range))!;
    expect(range / 1000 / chosen.seconds).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(chosen.text).toBe('5m');
  });
});

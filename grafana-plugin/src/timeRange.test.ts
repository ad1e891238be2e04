import { afterEach, describe, expect, it } from 'vitest';
import { shiftRange, toTimeRange, zoomOut } from './timeRange';

const HOUR = 3_600_000;
const span = (r: ReturnType<typeof toTimeRange>) => r.to.valueOf() - r.from.valueOf();

describe('time ranges in the URL', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('reads relative and epoch-millisecond ranges', () => {
    expect(Math.abs(span(toTimeRange('now-6h', 'now')) - 6 * HOUR)).toBeLessThan(1000);
    const absolute = toTimeRange('1764115200000', '1764118800000');
    expect([absolute.from.toISOString(), absolute.to.toISOString()]).toEqual([
      '2025-11-26T00:00:00.000Z',
      '2025-11-26T01:00:00.000Z',
    ]);
  });

  it('falls back to the default range, not to no range, for a value that is not a time', () => {
    for (const [from, to] of [
      ['now-6x', 'now'],
      ['yesterday', 'now'],
      ['now-1h', '1764118800000.5'],
    ]) {
      const range = toTimeRange(from, to);
      expect(range.from.isValid() && range.to.isValid()).toBe(true);
      expect(range.raw).toEqual({ from: 'now-6h', to: 'now' });
    }
    expect(toTimeRange('bad', undefined, { from: 'now-7d', to: 'now' }).raw).toEqual({ from: 'now-7d', to: 'now' });
  });

  it('zooms out and moves by whole milliseconds, so the new range reads back', () => {
    const odd = toTimeRange('1764115200000', '1764118800001'); // a span of 3,600,001 ms
    const zoomed = zoomOut(odd);
    expect(zoomed.from).toMatch(/^\d+$/);
    expect(zoomed.to).toMatch(/^\d+$/);
    expect(span(toTimeRange(zoomed.from, zoomed.to))).toBe(2 * 3_600_001 + 1);
    const moved = shiftRange(odd, -1);
    expect(span(toTimeRange(moved.from, moved.to))).toBe(3_600_001);
  });

  it('rounds "today" to midnight UTC, as the pages show times, whatever the browser time zone', () => {
    process.env.TZ = 'America/New_York';
    const today = toTimeRange('now/d', 'now/d');
    expect(today.from.toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(today.to.toISOString()).toMatch(/T23:59:59\.999Z$/);
  });

  it('rounds in the zone the user picked', () => {
    process.env.TZ = 'UTC';
    const today = toTimeRange('now/d', 'now/d', undefined, 'Asia/Tokyo');
    expect(today.from.toISOString()).toMatch(/T15:00:00\.000Z$/); // midnight in Tokyo
  });
});

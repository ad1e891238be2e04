import { dateMath, dateTime, type DateTime, type TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

/** The time picker's state in the URL (`from`, `to`), as Grafana writes it: `now-6h`, or epoch ms. */
export const DEFAULT_FROM = 'now-6h';
export const DEFAULT_TO = 'now';

/**
 * The range a URL's `from` and `to` stand for, rounded in the zone the pages show times in (in
 * UTC, the default, "today" starts at 00:00 UTC). A value that is not a time (a typo in a pasted
 * link) gives the page's default range rather than no range at all.
 */
export function toTimeRange(
  from?: string,
  to?: string,
  defaults = { from: DEFAULT_FROM, to: DEFAULT_TO },
  timeZone: TimeZone = 'utc'
): TimeRange {
  const raw = { from: from ?? defaults.from, to: to ?? defaults.to };
  const parsedFrom = parse(raw.from, false, timeZone);
  const parsedTo = parse(raw.to, true, timeZone);
  if (!parsedFrom || !parsedTo) {
    return toTimeRange(defaults.from, defaults.to, undefined, timeZone);
  }
  return { from: parsedFrom, to: parsedTo, raw };
}

/** Grafana's date math rounds ("now/d") in `timeZone` ('browser' meaning the browser's own). */
function parse(value: string, roundUp: boolean, timeZone: TimeZone): DateTime | undefined {
  const parsed = dateMath.toDateTime(/^\d+$/.test(value) ? dateTime(Number(value)).toISOString() : value, {
    roundUp,
    timezone: timeZone,
  });
  return parsed?.isValid() ? parsed : undefined;
}

/** The URL form of a range the picker chose: relative ranges stay relative, absolute ones become epoch ms. */
export function fromTimeRange(range: TimeRange): { from: string; to: string } {
  const raw = (v: unknown, fallback: number) => (typeof v === 'string' ? v : String(fallback));
  return { from: raw(range.raw.from, range.from.valueOf()), to: raw(range.raw.to, range.to.valueOf()) };
}

/** Moves or widens a range the way Grafana's picker buttons do. */
export function shiftRange(range: TimeRange, direction: -1 | 1): { from: string; to: string } {
  const span = range.to.valueOf() - range.from.valueOf();
  const step = Math.round(span / 2) * direction;
  return { from: String(range.from.valueOf() + step), to: String(range.to.valueOf() + step) };
}

export function zoomOut(range: TimeRange): { from: string; to: string } {
  const half = Math.round((range.to.valueOf() - range.from.valueOf()) / 2);
  return { from: String(range.from.valueOf() - half), to: String(range.to.valueOf() + half) };
}

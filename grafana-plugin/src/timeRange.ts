import { dateMath, dateTime, type TimeRange } from '@grafana/data';

/** The time picker's state in the URL (`from`, `to`), as Grafana writes it: `now-6h`, or epoch ms. */
export const DEFAULT_FROM = 'now-6h';
export const DEFAULT_TO = 'now';

export function toTimeRange(from = DEFAULT_FROM, to = DEFAULT_TO): TimeRange {
  const parsedFrom = dateMath.toDateTime(asDateMath(from), { roundUp: false }) ?? dateTime().subtract(6, 'h');
  const parsedTo = dateMath.toDateTime(asDateMath(to), { roundUp: true }) ?? dateTime();
  return { from: parsedFrom, to: parsedTo, raw: { from, to } };
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
  const span = range.to.valueOf() - range.from.valueOf();
  return { from: String(range.from.valueOf() - span / 2), to: String(range.to.valueOf() + span / 2) };
}

function asDateMath(value: string): string {
  return /^\d+$/.test(value) ? dateTime(Number(value)).toISOString() : value;
}

/**
 * Days and times as the query API reads them. Each is a regular expression that /openapi.json
 * publishes as the parameter's `pattern` and that the parser applies as it is: the document and the
 * API accept exactly the same strings (times.test.ts checks both against one list).
 */

/** Leap years among 0000-9999: every 4th year, of the centuries only every 4th (2000, not 2100). */
const LEAP_YEAR = '(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
/** A month and a day it has in every year: 01-31 in Jan, Mar, ..., 01-30 in Apr, ..., 01-28 in Feb. */
const MONTH_DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';
/** A calendar day, YYYY-MM-DD (years 0000-9999): no 2026-02-30, and 02-29 only in a leap year. */
const DAY = `(?:[0-9]{4}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;

/** `day` of GET /v1/payloads/{day}/{sha256}. */
export const DAY_PATTERN = `^${DAY}$`;

/** Milliseconds since the epoch: 1 to 13 digits (up to 2286-11-20). */
const MILLIS = '[0-9]{1,13}';
/**
 * THH:MM, THH:MM:SS or THH:MM:SS.fraction (1-9 digits, read to the millisecond). A space may stand
 * for the T, as RFC 3339 allows and as the CLI prints times (`2026-11-01 14:30:00`).
 */
const CLOCK = '[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?';
/** Z or an offset ±HH:MM; without one the time is UTC. */
const ZONE = '(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';

/** A time parameter (`from`, `to`): epoch milliseconds, an ISO 8601 date, or an ISO 8601 date-time. */
export const TIME_PATTERN = `^(?:${MILLIS}|${DAY}(?:${CLOCK}${ZONE}?)?)$`;
const TIME_RE = new RegExp(TIME_PATTERN);
const PARTS_RE = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:(Z)|([+-])(\d\d):(\d\d))?)?$/;

/**
 * The last millisecond a filter on a DateTime64(9) column takes, 2262-04-11T23:47:16.854Z (Int64
 * nanoseconds): ClickHouse fails the query on a later one ("Can't compare decimal number due to overflow").
 */
export const MAX_TIME_MILLIS = 9_223_372_036_854;

/** Examples of each form, for the document. */
export const TIME_EXAMPLES = ['2026-11-01', '2026-11-01T14:30:00Z', '2026-11-01T15:30:00.250+01:00', '1793543400000'];

/**
 * A time parameter in milliseconds since the epoch, or `undefined` when it does not match
 * {@link TIME_PATTERN}. A time before 1970 counts as the epoch, one after 2262-04-11 as
 * {@link MAX_TIME_MILLIS}: nothing is stored outside them, so a range filter means the same.
 */
export function parseTime(raw: string): number | undefined {
  if (!TIME_RE.test(raw)) return undefined;
  const p = PARTS_RE.exec(raw);
  const millis = p ? isoMillis(p) : Number(raw);
  return Math.min(Math.max(millis, 0), MAX_TIME_MILLIS);
}

function isoMillis(p: RegExpExecArray): number {
  const [, year, month, day, hours = '0', minutes = '0', seconds = '0', fraction = '', , sign, offH, offM] = p;
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: that reads years 0-99 as 1900-1999.
  at.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  at.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number(fraction.slice(0, 3).padEnd(3, '0')));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) * 60_000 : 0;
  return at.getTime() - offset;
}

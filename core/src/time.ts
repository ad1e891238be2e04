/** Nanosecond timestamps travel as decimal strings (they exceed 2^53); these convert them. */

/** Milliseconds since the epoch of a nanosecond decimal string (sub-millisecond part dropped). */
export function nanosToMillis(nanos: string): number {
  return nanos.length > 6 ? Number(nanos.slice(0, -6)) : 0;
}

/** ISO-8601 UTC string (millisecond precision) of a nanosecond decimal string. */
export function nanosToIso(nanos: string): string {
  // Decisions of one step usually share a timestamp: remember the last conversion.
  if (nanos !== lastNanos) {
    lastNanos = nanos;
    lastIso = new Date(nanosToMillis(nanos)).toISOString();
  }
  return lastIso;
}
let lastNanos = '';
let lastIso = '';

/**
 * ISO-8601 UTC string of a ClickHouse DateTime64 rendered as text (`2026-11-26 04:27:42.123456789`),
 * keeping millisecond precision.
 */
export function clickhouseTimeToIso(value: string): string {
  const [date = '', time = '00:00:00'] = value.split(' ');
  const [hms = '00:00:00', fraction = ''] = time.split('.');
  return `${date}T${hms}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}

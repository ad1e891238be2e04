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

/** Latest instant DateTime64(9) holds: 2262-04-11, the largest signed 64-bit nanosecond count. */
export const MAX_NANOS = '9223372036854775807';

/** True when `nanos` is a decimal nanosecond time after the epoch that ClickHouse can store. */
export function isStorableNanos(nanos: string): boolean {
  return /^[1-9]\d{0,18}$/.test(nanos) && (nanos.length < 19 || nanos <= MAX_NANOS);
}

/**
 * A nanosecond time as ClickHouse's DateTime64(9) text, `YYYY-MM-DD hh:mm:ss.nnnnnnnnn` (UTC).
 * Digits alone are read exactly only at 19 digits; this form is exact for any storable time.
 */
export function nanosToClickHouse(nanos: string): string {
  if (nanos !== lastChNanos) {
    const padded = nanos.padStart(10, '0');
    const iso = new Date(Number(padded.slice(0, -9)) * 1000).toISOString();
    lastChNanos = nanos;
    lastCh = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${padded.slice(-9)}`;
  }
  return lastCh;
}
let lastChNanos = '';
let lastCh = '';

import { isPayloadDay } from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.js';
import { DAY_PATTERN, MAX_TIME_MILLIS, parseTime, TIME_EXAMPLES, TIME_PATTERN } from './times.js';

/** Each value, and what the API reads it as (`undefined`: refused with 400). */
const TIMES: [string, number | undefined][] = [
  // Milliseconds since the epoch: 1 to 13 digits.
  ['0', 0],
  ['1793543400000', Date.UTC(2026, 10, 1, 14, 30)],
  ['0001793543400000', undefined],
  ['9223372036854', MAX_TIME_MILLIS],
  ['9999999999999', MAX_TIME_MILLIS],
  ['10000000000000', undefined],
  ['-1', undefined],
  ['1e12', undefined],
  ['1.5', undefined],
  // ISO 8601 dates: real calendar days, UTC midnight.
  ['2026-11-01', Date.UTC(2026, 10, 1)],
  ['1970-01-01', 0],
  ['2024-02-29', Date.UTC(2024, 1, 29)],
  ['2000-02-29', Date.UTC(2000, 1, 29)],
  ['2100-02-29', undefined],
  ['2026-02-29', undefined],
  ['2026-02-30', undefined],
  ['2026-04-31', undefined],
  ['2026-12-31', Date.UTC(2026, 11, 31)],
  ['2026-13-01', undefined],
  ['2026-00-10', undefined],
  ['2026-01-00', undefined],
  ['0000-00-00', undefined],
  ['2026-1-1', undefined],
  ['20261101', 20_261_101],
  ['+002026-11-01', undefined],
  // Before the epoch, or after 2262-04-11 (the end of DateTime64(9)): the nearest time a filter takes.
  ['1969-12-31', 0],
  ['0000-01-01', 0],
  ['9999-12-31T23:59:59.999Z', MAX_TIME_MILLIS],
  ['9999-12-31T23:59:59-01:00', MAX_TIME_MILLIS],
  ['2262-04-11T23:47:16.854Z', MAX_TIME_MILLIS],
  ['2262-04-11T23:47:16.853Z', MAX_TIME_MILLIS - 1],
  // Date-times: HH:MM, seconds and a fraction optional, then Z, an offset, or nothing (UTC).
  ['2026-11-01T14:30', Date.UTC(2026, 10, 1, 14, 30)],
  ['2026-11-01T14:30Z', Date.UTC(2026, 10, 1, 14, 30)],
  ['2026-11-01T14:30:15', Date.UTC(2026, 10, 1, 14, 30, 15)],
  ['2026-11-01T14:30:15.5Z', Date.UTC(2026, 10, 1, 14, 30, 15, 500)],
  ['2026-11-01T14:30:15.123456789Z', Date.UTC(2026, 10, 1, 14, 30, 15, 123)],
  ['2026-11-01T15:30:00.250+01:00', Date.UTC(2026, 10, 1, 14, 30, 0, 250)],
  ['2026-11-01T09:00-05:30', Date.UTC(2026, 10, 1, 14, 30)],
  ['2026-11-01T23:59:59+23:59', Date.UTC(2026, 10, 1, 0, 0, 59)],
  ['2026-11-01T24:00Z', undefined],
  ['2026-11-01T14:60Z', undefined],
  ['2026-11-01T14:30:60Z', undefined],
  ['2026-11-01T14Z', undefined],
  ['2026-11-01T14:30:15.Z', undefined],
  ['2026-11-01T14:30:15.1234567890Z', undefined],
  ['2026-11-01T14:30+0100', undefined],
  ['2026-11-01T14:30+24:00', undefined],
  ['2026-11-01t14:30z', undefined],
  ['2026-11-01 14:30Z', Date.UTC(2026, 10, 1, 14, 30)],
  ['2026-11-01 14:30:00', Date.UTC(2026, 10, 1, 14, 30)], // as the CLI prints a time
  ['2026-11-01  14:30', undefined],
  ['2026-11-01T', undefined],
  // What Date.parse took before, and no longer.
  ['Nov 1 2026', undefined],
  ['2026', 2026],
  ['2026-11', undefined],
  ['Sun, 01 Nov 2026 14:30:00 GMT', undefined],
  ['', undefined],
  [' 2026-11-01', undefined],
  ['2026-11-01 ', undefined],
  ['now-1h', undefined],
  ['now', undefined],
];

describe('time parameters', () => {
  const pattern = new RegExp(TIME_PATTERN, 'u');

  it.each(TIMES)('%j: the documented pattern and the parser agree', (raw, millis) => {
    expect(pattern.test(raw)).toBe(millis !== undefined);
    expect(parseTime(raw)).toBe(millis);
  });

  it('agree on every day of leap and common years, and the examples parse', () => {
    for (const year of [1970, 1999, 2000, 2023, 2024, 2100, 2400])
      for (let month = 1; month <= 12; month++)
        for (let day = 1; day <= 31; day++) {
          const raw = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const real = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          expect(pattern.test(raw), raw).toBe(real);
          expect(parseTime(raw), raw).toBe(
            real ? Math.min(Date.UTC(year, month - 1, day), MAX_TIME_MILLIS) : undefined
          );
        }
    for (const example of TIME_EXAMPLES) expect(parseTime(example), example).toBeDefined();
  });

  it('are published with that pattern, its examples and a 400 for anything else', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters?: Param[] }>> };
    type Param = { name: string; schema: { pattern?: string; examples?: string[] }; description?: string };
    const times = Object.values(doc.paths)
      .flatMap((ops) => Object.values(ops))
      .flatMap((op) => op.parameters ?? [])
      .filter((p) => p.name === 'from' || p.name === 'to');
    expect(times.length).toBe(8); // pipelines, runs, item runs, trends
    for (const p of times) {
      expect(p.schema.pattern).toBe(TIME_PATTERN);
      expect(p.schema.examples).toEqual(TIME_EXAMPLES);
    }
  });
});

describe('the payload day', () => {
  it('is documented by a pattern that takes exactly the calendar days the route takes', () => {
    const pattern = new RegExp(DAY_PATTERN, 'u');
    const odd = ['0000-00-00', '2026-00-01', '2026-13-01', '2026-01-32', '2026-02-30', '2023-02-29', '1900-02-29'];
    for (const day of [...odd, '2024-02-29', '2000-02-29', '0000-02-29', '9999-12-31', '2026-11-01'])
      expect(pattern.test(day), day).toBe(isPayloadDay(day));
    for (const year of [4, 100, 1600, 1900, 2024, 2025])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const raw = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect(pattern.test(raw), raw).toBe(isPayloadDay(raw));
        }
  });
});

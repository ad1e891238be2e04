import { describe, expect, it } from 'vitest';
import { dayExpired, parsePartition, partitionExpired } from './retention.js';

const at = (iso: string) => Date.parse(iso);

describe('when stored data expires', () => {
  it('keeps a day its retention in days after the day ends', () => {
    expect(dayExpired('2026-12-01', 1, at('2026-12-02T23:59:59Z'))).toBe(false);
    expect(dayExpired('2026-12-01', 1, at('2026-12-03T00:00:00Z'))).toBe(true);
    expect(dayExpired('2026-12-01', 30, at('2026-12-31T23:59:59Z'))).toBe(false);
    expect(dayExpired('2026-12-01', 30, at('2027-01-01T00:00:00Z'))).toBe(true);
  });

  it('drops a month partition only once its last day has expired', () => {
    const p = parsePartition('(7,202602)')!;
    expect(p).toEqual({ retentionDays: 7, month: '2026-02' });
    expect(partitionExpired(p, at('2026-03-07T23:59:59Z'))).toBe(false);
    expect(partitionExpired(p, at('2026-03-08T00:00:00Z'))).toBe(true);
  });

  it('reads only the partitions of retained tables', () => {
    expect(parsePartition('(30, 202612)')).toEqual({ retentionDays: 30, month: '2026-12' });
    for (const other of ['202612', '(30,20261204)', 'tuple()', '(x,202612)'])
      expect(parsePartition(other)).toBeUndefined();
  });
});

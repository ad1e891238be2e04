import { dropExpiredPartitions } from '@xray/core/retention';
import { describe, expect, it } from 'vitest';
import { DAY_MS, deps, project, rowCounts, stamps, useRetentionStorage, writeRun } from './janitor.fixture.js';

useRetentionStorage();

describe('dropping expired partitions', () => {
  it('drops the (retention, month) partitions whose every day has expired, in every table, and nothing else', async () => {
    const [short, long] = [project('five'), project('decade')];
    const at = Date.now() - 2 * DAY_MS;
    const month = new Date(at).toISOString().slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    stamps.set(short, 5).set(long, 3650);
    await writeRun(short, at);
    await writeRun(long, at);

    expect(await dropExpiredPartitions(deps, Date.now())).toEqual({ partitions: [], rows: 0 });
    // Until the month's last day has expired too, the TTL removes its days and the partition stays.
    expect(await dropExpiredPartitions(deps, Date.parse(`${lastDay}T00:00:00Z`) + 5 * DAY_MS)).toEqual({
      partitions: [],
      rows: 0,
    });
    // Six days after the month's last day began, its 5-day retention has passed.
    const dropped = await dropExpiredPartitions(deps, Date.parse(`${lastDay}T00:00:00Z`) + 6 * DAY_MS);
    expect(dropped.partitions.map((p) => `${p.table} ${p.retentionDays} ${p.month}`).sort()).toEqual(
      ['decision_events', 'item_decisions', 'runs', 'steps'].map((t) => `${t} 5 ${month}`)
    );
    expect(dropped.rows).toBe(8);
    expect(await rowCounts(short)).toEqual({ runs: 0, steps: 0, decision_events: 0, item_decisions: 0, deletions: 0 });
    expect(await rowCounts(long)).toMatchObject({ runs: 1, steps: 1, decision_events: 3, item_decisions: 3 });
  });
});

import { describe, expect, it } from 'vitest';
import type { SentSpan } from '../load/ledger.js';
import { removals } from './removed.js';

// Which acknowledged records must remain and which runs must be gone, on hand-made spans.
const NOW = Date.parse('2026-12-05T10:00:00Z');
const at = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const span = (runId: string, kind: string, iso: string): SentSpan => ({
  kind,
  runId,
  spanId: `${runId}-${kind}`,
  stepId: kind === 'run' ? '' : `${runId}-s`,
  startNanos: at(iso),
  fields: {},
  decisions: [],
});
const run = (runId: string, iso: string) => [span(runId, 'run', iso), span(runId, 'step', iso)];

describe('removals', () => {
  const acked = [
    ...run('today', '2026-12-05T09:00:00Z'),
    ...run('yesterday', '2026-12-04T12:00:00Z'),
    ...run('old', '2026-12-02T12:00:00Z'),
    ...run('deleted', '2026-12-05T09:30:00Z'),
  ];

  it('keeps everything but the deleted runs when no retention is given', () => {
    const r = removals(acked, [], new Set(['deleted']), undefined, NOW);
    expect(new Set(r.remaining.map((s) => s.runId))).toEqual(new Set(['today', 'yesterday', 'old']));
    expect(r.deleted).toEqual([{ runId: 'deleted', days: ['2026-12-05'] }]);
    expect(r.expired).toEqual([]);
  });

  it('expires a day once it is kept the retention past its end: 1 day keeps yesterday, not 3 days ago', () => {
    const r = removals(acked, [], new Set(['deleted']), 1, NOW);
    expect(new Set(r.remaining.map((s) => s.runId))).toEqual(new Set(['today', 'yesterday']));
    expect(r.expired).toEqual([{ runId: 'old', days: ['2026-12-02'] }]);
    expect(removals(acked, [], new Set(), 30, NOW).expired).toEqual([]);
  });

  it('looks for a removed run under the days of its unacknowledged spans too', () => {
    const late = span('deleted', 'decisions', '2026-12-06T00:00:01Z');
    expect(removals(acked, [late], new Set(['deleted']), 1, NOW).deleted).toEqual([
      { runId: 'deleted', days: ['2026-12-05', '2026-12-06'] },
    ]);
  });

  it('neither keeps nor looks for the expired part of a run that crossed into a kept day', () => {
    const crossing = [
      span('crossing', 'step', '2026-12-03T23:59:59Z'),
      span('crossing', 'run', '2026-12-04T00:00:01Z'),
    ];
    const r = removals(crossing, [], new Set(), 1, NOW);
    expect(r.remaining.map((s) => s.kind)).toEqual(['run']);
    expect(r.expired).toEqual([]);
  });
});

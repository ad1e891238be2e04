import { dayExpired, dayOf } from '@xray/core/storage';
import type { SentSpan } from '../load/ledger.js';

/** A run that must be gone, and the days (`YYYY-MM-DD`) its spans were stored under. */
export interface RemovedRun {
  runId: string;
  days: string[];
}

/** What of a ledger must still be stored, and what must be gone. */
export interface Removals {
  /** Acknowledged spans that must still be stored exactly once: of no deleted run, on no expired day. */
  remaining: SentSpan[];
  /** Runs deleted on request. */
  deleted: RemovedRun[];
  /** Runs whose every acknowledged span is on a day expired under the project's retention. */
  expired: RemovedRun[];
}

/**
 * Splits what was acknowledged into what must remain and what must be gone: the runs deleted on
 * request, and (given the project's retention) the runs whose days have all expired at `nowMs`,
 * by the rule the schema and the janitor share (`dayExpired`: a day is kept `retentionDays` days
 * after it ends). A span on an expired day of a run that is not wholly expired (one crossing
 * midnight) is neither kept nor looked for. A removed run's days include those of its spans never
 * acknowledged: they may have been stored too.
 */
export function removals(
  acked: readonly SentSpan[],
  unacked: readonly SentSpan[],
  deletedRuns: ReadonlySet<string>,
  retentionDays: number | undefined,
  nowMs: number
): Removals {
  const expiredSpan = (s: SentSpan) =>
    retentionDays !== undefined && dayExpired(dayOf(s.startNanos), retentionDays, nowMs);
  const days = new Map<string, Set<string>>();
  const live = new Set<string>();
  for (const s of acked) if (!expiredSpan(s)) live.add(s.runId);
  for (const s of [...acked, ...unacked]) {
    const runDays = days.get(s.runId) ?? days.set(s.runId, new Set()).get(s.runId)!;
    runDays.add(dayOf(s.startNanos));
  }
  const removed = (runId: string): RemovedRun => ({ runId, days: [...(days.get(runId) ?? [])].sort() });
  const ackedRuns = [...new Set(acked.map((s) => s.runId))];
  return {
    remaining: acked.filter((s) => !deletedRuns.has(s.runId) && !expiredSpan(s)),
    deleted: [...deletedRuns].map(removed),
    expired: ackedRuns.filter((id) => !deletedRuns.has(id) && !live.has(id)).map(removed),
  };
}

import type { Ledger } from '../load/ledger.js';
import { compare, type Comparison } from './compare.js';
import { findLeftovers, type QueryTarget } from './leftover.js';
import { type QueueTarget, waitForDrain } from './queue.js';
import { removals } from './removed.js';
import { readStored, type StorageTarget } from './stored.js';

/** The checker's figures: the comparison, plus what is left in the queue and of removed runs. */
export interface CheckResult extends Comparison {
  /** Entries delivered and never acknowledged (XPENDING) when the check ran. */
  pending_left: number;
  /** Entries in the dead-letter stream. */
  dead_lettered: number;
  /** Whether the queue emptied before the check (else it ran anyway, after the timeout). */
  drained: boolean;
  drain_ms: number;
  /**
   * Records of runs that must be gone (deleted on request, or expired) still stored or served:
   * rows, span objects, and query API answers other than 410 (deleted) or 404/410 (expired).
   */
  leftover: number;
  /** Runs the ledger says were deleted on request. */
  deleted_runs: number;
  /** Acknowledged runs whose every day has expired under the project's retention. */
  expired_runs: number;
}

/** What must be gone besides the ledger's deleted runs, and how to ask the query API about it. */
export interface RemovalCheck {
  /** The project's retention: runs whose days have all expired under it must be gone. Absent: none expire. */
  retentionDays?: number;
  /** A read key's view of the query API: each removed run must answer 410 (deleted) or 404/410 (expired). */
  query?: QueryTarget;
  /** When expiry is judged (default: when the check runs). */
  nowMs?: number;
}

export type CheckTarget = QueueTarget & StorageTarget;

/** The five figures every test prints, in this order. */
export const CHECK_FIGURES = ['lost', 'duplicated', 'payload_mismatch', 'pending_left', 'dead_lettered'] as const;

/**
 * Waits for the processor to drain the queue (at most `drainTimeoutMillis`), then compares what the
 * ledger says was acknowledged with what ClickHouse (FINAL) and S3 hold for the project, both ways:
 * what must remain (neither deleted on request nor expired under `removal.retentionDays`) is stored
 * exactly once as sent (`lost`, `duplicated`, `payload_mismatch`), and nothing is left of what must
 * be gone (`leftover`).
 */
export async function check(
  target: CheckTarget,
  ledger: Ledger,
  drainTimeoutMillis = 60_000,
  removal: RemovalCheck = {}
): Promise<CheckResult> {
  const drain = await waitForDrain(target, drainTimeoutMillis);
  const stored = await readStored(target);
  const unacked = ledger.unacknowledged();
  const removed = removals(
    ledger.acknowledged(),
    unacked,
    ledger.deletedRuns(),
    removal.retentionDays,
    removal.nowMs ?? Date.now()
  );
  const comparison = compare(target.projectId, removed.remaining, unacked, stored);
  const left = await findLeftovers(target, removed, stored.objects.keys(), removal.query);
  return {
    ...comparison,
    details: [...comparison.details, ...left.details],
    pending_left: drain.state.pending,
    dead_lettered: drain.state.deadLettered,
    drained: drain.drained,
    drain_ms: drain.millis,
    leftover: left.leftover,
    deleted_runs: removed.deleted.length,
    expired_runs: removed.expired.length,
  };
}

/** The figures of a check for the test's line: the five, then acked records. */
export function checkFigures(c: CheckResult): Record<string, number> {
  return {
    lost: c.lost,
    duplicated: c.duplicated,
    payload_mismatch: c.payload_mismatch,
    pending_left: c.pending_left,
    dead_lettered: c.dead_lettered,
    acked: c.acked,
    unexpected: c.unexpected,
  };
}

import type { Ledger } from '../load/ledger.js';
import { compare, type Comparison } from './compare.js';
import { type QueueTarget, waitForDrain } from './queue.js';
import { readStored, type StorageTarget } from './stored.js';

/** The checker's figures: the comparison, plus what is left in the queue. */
export interface CheckResult extends Comparison {
  /** Entries delivered and never acknowledged (XPENDING) when the check ran. */
  pending_left: number;
  /** Entries in the dead-letter stream. */
  dead_lettered: number;
  /** Whether the queue emptied before the check (else it ran anyway, after the timeout). */
  drained: boolean;
  drain_ms: number;
}

export type CheckTarget = QueueTarget & StorageTarget;

/** The five figures every test prints, in this order. */
export const CHECK_FIGURES = ['lost', 'duplicated', 'payload_mismatch', 'pending_left', 'dead_lettered'] as const;

/**
 * Waits for the processor to drain the queue (at most `drainTimeoutMillis`), then compares what the
 * ledger says was acknowledged with what ClickHouse (FINAL) and S3 hold for the project.
 */
export async function check(target: CheckTarget, ledger: Ledger, drainTimeoutMillis = 60_000): Promise<CheckResult> {
  const drain = await waitForDrain(target, drainTimeoutMillis);
  const stored = await readStored(target);
  const comparison = compare(target.projectId, ledger.acknowledged(), ledger.unacknowledged(), stored);
  return {
    ...comparison,
    pending_left: drain.state.pending,
    dead_lettered: drain.state.deadLettered,
    drained: drain.drained,
    drain_ms: drain.millis,
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

/** Computes a rule's value over its window from ClickHouse. */
import type { RowReader } from '../store.js';
import { eliminationRatioQuery, itemsEliminatedQuery, reasonShareQuery, stepIdsQuery } from '@xray/core/queries';
import type { AlertRule } from '@xray/core/api';

/** Watch-listed items named in one notification. */
export const MAX_DETAILS = 20;

export interface Evaluation {
  /** undefined: no data in the window (never fires). */
  value: number | undefined;
  window: { seconds: number; from: string; to: string };
  /** What the value is made of, e.g. the eliminated watch-listed items (up to {@link MAX_DETAILS}). */
  details: Record<string, unknown>[];
}

/** Evaluates `rule` of `projectId` over the window ending at `nowMs`. */
export async function evaluateRule(
  rows: RowReader,
  projectId: string,
  rule: AlertRule,
  nowMs: number
): Promise<Evaluation> {
  const windowMs = rule.windowSeconds * 1000;
  const fromMs = nowMs - windowMs;
  const window = {
    seconds: rule.windowSeconds,
    from: new Date(fromMs).toISOString(),
    to: new Date(nowMs).toISOString(),
  };

  if (rule.kind === 'item_eliminated') {
    const found = await rows.rows(itemsEliminatedQuery(projectId, rule.items, fromMs, nowMs));
    const details = found.slice(0, MAX_DETAILS).map((r) => ({
      itemId: String(r.item_id),
      runId: String(r.run_id),
      stepId: String(r.step_id),
      reason: String(r.reason),
      at: String(r.at),
    }));
    return { value: found.length, window, details };
  }

  if (rule.kind === 'elimination_ratio') {
    const [row] = await rows.rows(
      eliminationRatioQuery({ projectId, pipeline: rule.pipeline, step: rule.step, fromMs, toMs: nowMs })
    );
    const input = Number(row?.input ?? 0);
    const eliminated = Number(row?.eliminated ?? 0);
    return {
      value: input > 0 ? eliminated / input : undefined,
      window,
      details: [{ steps: Number(row?.steps ?? 0), input, eliminated }],
    };
  }

  // reason_share: step ids first (decision_events has no pipeline or step name), then their decisions.
  const change = rule.condition === 'change';
  const steps = await rows.rows(
    stepIdsQuery({
      projectId,
      pipeline: rule.pipeline,
      step: rule.step,
      fromMs: change ? fromMs - windowMs : fromMs,
      toMs: nowMs,
    })
  );
  const stepIds = steps.map((s) => String(s.step_id));
  const current = steps.filter((s) => Number(s.started_ms) >= fromMs).map((s) => String(s.step_id));
  const counts = { current: { decisions: 0, matching: 0 }, previous: { decisions: 0, matching: 0 } };
  if (stepIds.length > 0) {
    const found = await rows.rows(
      reasonShareQuery({
        projectId,
        stepIds,
        current,
        ...(rule.reasonCode !== undefined ? { reasonCode: rule.reasonCode } : { reason: rule.reason ?? '' }),
        ...(rule.outcome !== undefined ? { outcome: rule.outcome } : {}),
      })
    );
    for (const r of found)
      counts[Number(r.is_current) === 1 || r.is_current === true ? 'current' : 'previous'] = {
        decisions: Number(r.decisions),
        matching: Number(r.matching),
      };
  }
  const share = (c: { decisions: number; matching: number }) =>
    c.decisions > 0 ? c.matching / c.decisions : undefined;
  const now = share(counts.current);
  const before = share(counts.previous);
  const details = [
    {
      reason: rule.reasonCode ?? rule.reason,
      byCode: rule.reasonCode !== undefined,
      current: { ...counts.current, share: now ?? null },
      ...(change ? { previous: { ...counts.previous, share: before ?? null } } : {}),
    },
  ];
  if (!change) return { value: now, window, details };
  return { value: now === undefined || before === undefined ? undefined : Math.abs(now - before), window, details };
}

/** Answers about items (`GET /v1/runs/{runId}/items/{itemId}`, `/v1/items/{itemId}/runs`, `/v1/runs/{a}/diff/{b}`). */
import { formatEventId } from '../model/ids.js';
import { clickhouseTimeToIso } from '../model/time.js';
import { n, type Row, s } from './convert.js';
import { type DecisionSummary, toDecisionSummary } from './decisions.js';
import type { StepSummary } from './steps.js';

/** A step named for people: which step, in the run's order. */
export interface StepRef {
  stepId: string;
  stepName: string;
  stepIndex: number;
}

/** Where an item was eliminated: the first decision that eliminated it. */
export interface Elimination extends StepRef {
  eventId: string;
  reason: string;
  reasonCode?: string;
}

/** `GET /v1/runs/{runId}/items/{itemId}` */
export interface ItemInRunResponse {
  runId: string;
  itemId: string;
  /** The item's recorded decisions, in step order. */
  decisions: (DecisionSummary & StepRef)[];
  /** null when no recorded decision eliminated it. */
  eliminatedAt: Elimination | null;
}

/** `GET /v1/items/{itemId}/runs` */
export interface ItemRunsResponse {
  itemId: string;
  runs: {
    runId: string;
    pipeline: string;
    runStartedAt: string;
    firstSeenAt: string;
    decisions: number;
    eliminatedAt: Elimination | null;
  }[];
  nextCursor: string | null;
}

/** One step of the two runs compared, matched by name. */
export interface StepDelta {
  name: string;
  a: { stepId: string; inputCount: number; eliminatedCount: number; eliminationRatio: number } | null;
  b: { stepId: string; inputCount: number; eliminatedCount: number; eliminationRatio: number } | null;
  eliminatedDelta: number;
  /** Percentage points: (b ratio - a ratio) x 100. */
  ratioDeltaPoints: number;
}

/** An item whose fate differs between the runs. */
export interface ItemChange {
  itemId: string;
  /** Where it was eliminated in each run; null = not eliminated there. */
  a: { stepName: string; reason: string; reasonCode?: string } | null;
  b: { stepName: string; reason: string; reasonCode?: string } | null;
}

/** `GET /v1/runs/{runA}/diff/{runB}` */
export interface RunDiffResponse {
  runA: string;
  runB: string;
  pipeline: string;
  steps: StepDelta[];
  items: ItemChange[];
  nextCursor: string | null;
}

/** Step names by step id, from {@link stepNamesQuery} or a step list. */
export type StepIndex = ReadonlyMap<string, { name: string; index: number }>;

export function toItemInRun(runId: string, itemId: string, rows: readonly Row[], steps: StepIndex): ItemInRunResponse {
  const decisions = rows
    .map((r) => ({ ...toDecisionSummary(r), ...stepRef(s(r.step_id), steps) }))
    .sort((x, y) => x.stepIndex - y.stepIndex || x.seq - y.seq);
  const first = decisions.find((d) => d.outcome === 'eliminated');
  return {
    runId,
    itemId,
    decisions,
    eliminatedAt: first
      ? {
          stepId: first.stepId,
          stepName: first.stepName,
          stepIndex: first.stepIndex,
          eventId: first.eventId,
          reason: first.reason,
          ...(first.reasonCode ? { reasonCode: first.reasonCode } : {}),
        }
      : null,
  };
}

/** Rows of {@link itemAcrossRunsQuery} with each run's pipeline and start, and step names. */
export function toItemRun(row: Row, run: Row | undefined, steps: StepIndex): ItemRunsResponse['runs'][number] {
  const [stepId, seq, reason, reasonCode] = (row.eliminated as unknown[] | undefined) ?? [];
  const eliminated = row.was_eliminated === true || row.was_eliminated === 1 || row.was_eliminated === '1';
  return {
    runId: s(row.run_id),
    pipeline: s(run?.pipeline),
    runStartedAt: run ? clickhouseTimeToIso(s(run.started_text)) : '',
    firstSeenAt: clickhouseTimeToIso(s(row.first_seen_text)),
    decisions: n(row.decisions),
    eliminatedAt: eliminated
      ? {
          ...stepRef(s(stepId), steps),
          eventId: formatEventId(s(stepId), n(seq)),
          reason: s(reason),
          ...(reasonCode ? { reasonCode: s(reasonCode) } : {}),
        }
      : null,
  };
}

/** Per-step deltas of two runs' funnels, matched by step name, in run A's order then B's new steps. */
export function stepDeltas(a: readonly StepSummary[], b: readonly StepSummary[]): StepDelta[] {
  const pick = (st: StepSummary | undefined) =>
    st
      ? {
          stepId: st.stepId,
          inputCount: st.inputCount,
          eliminatedCount: st.eliminatedCount,
          eliminationRatio: st.eliminationRatio,
        }
      : null;
  const names = [...new Set([...a.map((st) => st.name), ...b.map((st) => st.name)])];
  return names.map((name) => {
    const sa = pick(a.find((st) => st.name === name));
    const sb = pick(b.find((st) => st.name === name));
    return {
      name,
      a: sa,
      b: sb,
      eliminatedDelta: (sb?.eliminatedCount ?? 0) - (sa?.eliminatedCount ?? 0),
      ratioDeltaPoints: ((sb?.eliminationRatio ?? 0) - (sa?.eliminationRatio ?? 0)) * 100,
    };
  });
}

/** A row of {@link runDiffItemsQuery}. */
export function toItemChange(row: Row): ItemChange {
  const side = (tuple: unknown, stepName: unknown) => {
    const [, reason, reasonCode] = (tuple as unknown[] | undefined) ?? [];
    return s(stepName)
      ? { stepName: s(stepName), reason: s(reason), ...(reasonCode ? { reasonCode: s(reasonCode) } : {}) }
      : null;
  };
  return { itemId: s(row.item_id), a: side(row.a, row.a_step_name), b: side(row.b, row.b_step_name) };
}

function stepRef(stepId: string, steps: StepIndex): StepRef {
  const step = steps.get(stepId);
  return { stepId, stepName: step?.name ?? '', stepIndex: step?.index ?? -1 };
}

/** Answers about items (`GET /v1/runs/{runId}/items/{itemId}`, `/v1/items/{itemId}/runs`, `/v1/runs/{a}/diff/{b}`). */
import { z } from 'zod';
import { formatEventId } from '../model/ids.js';
import { clickhouseTimeToIso } from '../model/time.js';
import { IsoTime, n, type Row, s } from './convert.js';
import { DecisionSummary, toDecisionSummary } from './decisions.js';
import { NextCursor } from './paging.js';
import type { StepSummary } from './steps.js';

/** A step named for people: which step, in the run's order. */
export const StepRef = z.object({ stepId: z.string(), stepName: z.string(), stepIndex: z.number() });
export type StepRef = z.infer<typeof StepRef>;

/** Where an item was eliminated: the first decision that eliminated it. */
export const Elimination = StepRef.extend({
  eventId: z.string(),
  reason: z.string(),
  reasonCode: z.string().optional(),
}).meta({ id: 'Elimination', description: 'Where an item was eliminated: the first decision that eliminated it.' });
export type Elimination = z.infer<typeof Elimination>;

/** A decision about the item, with its step named. */
export const ItemDecision = DecisionSummary.extend(StepRef.shape).meta({ id: 'ItemDecision' });
export type ItemDecision = z.infer<typeof ItemDecision>;

/** A named schema or null. (`.nullable()` would make the named schema itself nullable in the OpenAPI document.) */
const OrNull = <S extends z.ZodType>(schema: S) => z.union([schema, z.null()]);

/** `GET /v1/runs/{runId}/items/{itemId}` */
export const ItemInRunResponse = z
  .object({
    runId: z.string(),
    itemId: z.string(),
    decisions: z.array(ItemDecision).describe("The item's recorded decisions, in step order."),
    eliminatedAt: OrNull(Elimination).describe('null when no recorded decision eliminated it.'),
  })
  .meta({ id: 'ItemInRunResponse' });
export type ItemInRunResponse = z.infer<typeof ItemInRunResponse>;

/** One run an item went through. */
export const ItemRun = z
  .object({
    runId: z.string(),
    pipeline: z.string(),
    runStartedAt: IsoTime,
    firstSeenAt: IsoTime,
    decisions: z.number(),
    eliminatedAt: OrNull(Elimination),
  })
  .meta({ id: 'ItemRun' });
export type ItemRun = z.infer<typeof ItemRun>;

/** `GET /v1/items/{itemId}/runs` */
export const ItemRunsResponse = z
  .object({ itemId: z.string(), runs: z.array(ItemRun).describe('Newest first.'), nextCursor: NextCursor })
  .meta({ id: 'ItemRunsResponse' });
export type ItemRunsResponse = z.infer<typeof ItemRunsResponse>;

const StepSide = z
  .object({ stepId: z.string(), inputCount: z.number(), eliminatedCount: z.number(), eliminationRatio: z.number() })
  .nullable();

/** One step of the two runs compared, matched by name. */
export const StepDelta = z
  .object({
    name: z.string(),
    a: StepSide,
    b: StepSide,
    eliminatedDelta: z.number(),
    ratioDeltaPoints: z.number().describe('Percentage points: (b ratio - a ratio) x 100.'),
  })
  .meta({ id: 'StepDelta' });
export type StepDelta = z.infer<typeof StepDelta>;

const Fate = z
  .object({ stepName: z.string(), reason: z.string(), reasonCode: z.string().optional() })
  .nullable()
  .describe('Where it was eliminated in that run; null = not eliminated there.');

/** An item whose fate differs between the runs. */
export const ItemChange = z.object({ itemId: z.string(), a: Fate, b: Fate }).meta({ id: 'ItemChange' });
export type ItemChange = z.infer<typeof ItemChange>;

/** `GET /v1/runs/{runA}/diff/{runB}` */
export const RunDiffResponse = z
  .object({
    runA: z.string(),
    runB: z.string(),
    pipeline: z.string(),
    steps: z.array(StepDelta),
    items: z.array(ItemChange).describe('By item id.'),
    nextCursor: NextCursor,
  })
  .meta({ id: 'RunDiffResponse' });
export type RunDiffResponse = z.infer<typeof RunDiffResponse>;

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
export function toItemRun(row: Row, run: Row | undefined, steps: StepIndex): ItemRun {
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

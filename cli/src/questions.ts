/** `xray runs|steps|reasons|why|diff`: the debugging questions, answered by the query API. */
import type {
  ItemInRunResponse,
  ItemRunsResponse,
  ReasonHistogramResponse,
  RunDiffResponse,
  RunListResponse,
  StepListResponse,
} from '@xray/core/api';
import type { ApiClient } from './api-client.js';
import type { Output } from './keys.js';
import { type Cell, renderTable, type Style } from './table.js';

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export interface RunsOptions {
  pipeline?: string;
  minRatio?: string;
  maxRatio?: string;
  status?: string;
  sort?: string;
  from?: string;
  to?: string;
  limit?: string;
}

/** Runs, newest first (or highest elimination first); ratios at or above 0.5 in red. */
export async function runsCommand(api: ApiClient, o: RunsOptions, style: Style): Promise<Output> {
  const body = await api.get<RunListResponse>('/v1/runs', {
    pipeline: o.pipeline,
    minEliminationRatio: o.minRatio,
    maxEliminationRatio: o.maxRatio,
    status: o.status,
    sort: o.sort,
    from: o.from,
    to: o.to,
    limit: o.limit ?? 20,
  });
  if (body.runs.length === 0) return { json: body, text: 'No runs match.' };
  const rows: Cell[][] = body.runs.map((r) => [
    r.runId,
    r.pipeline,
    time(r.startedAt),
    // A run can end ok although a step failed (its caller caught the error): say so.
    r.status !== 'ok'
      ? { text: r.status, paint: style.red }
      : r.failedSteps > 0
        ? { text: `ok, ${r.failedSteps} step${r.failedSteps === 1 ? '' : 's'} failed`, paint: style.red }
        : r.status,
    String(r.totalSteps),
    `${r.inputCount} → ${r.outputCount}`,
    r.eliminationRatio >= 0.5 ? { text: pct(r.eliminationRatio), paint: style.red } : pct(r.eliminationRatio),
  ]);
  const more = body.nextCursor ? `\n${style.dim('more: raise --limit, or narrow with --from/--to')}` : '';
  return {
    json: body,
    text:
      renderTable(['RUN', 'PIPELINE', 'STARTED (UTC)', 'STATUS', 'STEPS', 'IN → OUT', 'ELIMINATED'], rows, style) +
      more,
  };
}

/** A run's funnel; the step that eliminated most is marked. */
export async function stepsCommand(api: ApiClient, runId: string, style: Style): Promise<Output> {
  const body = await api.get<StepListResponse>(`/v1/runs/${encodeURIComponent(runId)}/steps`);
  const rows: Cell[][] = body.steps.map((st) => {
    const worst = st.stepId === body.worstStepId;
    return [
      worst ? { text: '▶', paint: style.red } : '',
      st.stepId,
      `${st.parentStepId ? '  ' : ''}${st.name}`,
      st.type,
      `${st.inputCount} → ${st.outputCount}`,
      String(st.eliminatedCount),
      worst ? { text: pct(st.eliminationRatio), paint: style.red } : pct(st.eliminationRatio),
      pct(st.eliminationShare),
      `${Math.round(st.durationMs)} ms`,
      st.capture,
    ];
  });
  return {
    json: body,
    text: renderTable(
      ['', 'STEP', 'NAME', 'TYPE', 'IN → OUT', 'ELIMINATED', 'RATIO', 'SHARE OF RUN', 'TIME', 'CAPTURE'],
      rows,
      style
    ),
  };
}

/** Why a step decided as it did: reasons, most frequent first, with example items. */
export async function reasonsCommand(
  api: ApiClient,
  stepId: string,
  outcome: string | undefined,
  style: Style
): Promise<Output> {
  const body = await api.get<ReasonHistogramResponse>(`/v1/steps/${encodeURIComponent(stepId)}/reasons`, { outcome });
  if (body.reasons.length === 0)
    return { json: body, text: `No recorded decisions${outcome ? ` with outcome ${outcome}` : ''} in step ${stepId}.` };
  const rows: Cell[][] = body.reasons.map((r) => [
    String(r.decisions),
    pct(r.share),
    r.byCode ? r.reason : `"${r.reason}"`,
    r.examples.map((e) => e.itemId).join(', '),
  ]);
  const note =
    body.recordedCount < body.decisionCount
      ? `\n${style.dim(`counts are of the ${body.recordedCount} recorded of ${body.decisionCount} decisions (capture ${body.capture})`)}`
      : '';
  return { json: body, text: renderTable(['DECISIONS', 'SHARE', 'REASON', 'FOR EXAMPLE'], rows, style) + note };
}

/** Where an item died: in one run step by step, or across runs. */
export async function whyCommand(
  api: ApiClient,
  itemId: string,
  o: { run?: string; pipeline?: string; from?: string; to?: string; limit?: string },
  style: Style
): Promise<Output> {
  if (o.run) {
    const body = await api.get<ItemInRunResponse>(
      `/v1/runs/${encodeURIComponent(o.run)}/items/${encodeURIComponent(itemId)}`
    );
    const rows: Cell[][] = body.decisions.map((d) => [
      d.stepName,
      d.outcome === 'eliminated' ? { text: d.outcome, paint: style.red } : d.outcome,
      d.score === null ? '' : String(d.score),
      d.reason,
    ]);
    const verdict = body.eliminatedAt
      ? `${itemId} was eliminated at ${style.bold(body.eliminatedAt.stepName)}: ${body.eliminatedAt.reason}`
      : `${itemId} was not eliminated in this run.`;
    return { json: body, text: `${verdict}\n\n${renderTable(['STEP', 'OUTCOME', 'SCORE', 'REASON'], rows, style)}` };
  }
  const body = await api.get<ItemRunsResponse>(`/v1/items/${encodeURIComponent(itemId)}/runs`, {
    pipeline: o.pipeline,
    from: o.from,
    to: o.to,
    limit: o.limit ?? 20,
  });
  if (body.runs.length === 0) return { json: body, text: `No recorded decision about ${itemId} in this time range.` };
  const rows: Cell[][] = body.runs.map((r) => [
    r.runId,
    r.pipeline,
    time(r.firstSeenAt),
    r.eliminatedAt ? { text: r.eliminatedAt.stepName, paint: style.red } : { text: 'survived', paint: style.green },
    r.eliminatedAt?.reason ?? '',
  ]);
  return { json: body, text: renderTable(['RUN', 'PIPELINE', 'SEEN (UTC)', 'ELIMINATED AT', 'REASON'], rows, style) };
}

/** What changed between two runs: step deltas, then the items whose fate changed. */
export async function diffCommand(
  api: ApiClient,
  runA: string,
  runB: string,
  limit: string | undefined,
  style: Style
): Promise<Output> {
  const body = await api.get<RunDiffResponse>(`/v1/runs/${encodeURIComponent(runA)}/diff/${encodeURIComponent(runB)}`, {
    limit: limit ?? 50,
  });
  const signed = (x: number, digits = 0) => `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;
  const steps = renderTable(
    ['STEP', 'A ELIMINATED', 'B ELIMINATED', 'CHANGE', 'A RATIO', 'B RATIO', 'CHANGE'],
    body.steps.map((st) => [
      st.name,
      st.a ? String(st.a.eliminatedCount) : '-',
      st.b ? String(st.b.eliminatedCount) : '-',
      signed(st.eliminatedDelta),
      st.a ? pct(st.a.eliminationRatio) : '-',
      st.b ? pct(st.b.eliminationRatio) : '-',
      `${signed(st.ratioDeltaPoints, 1)} pts`,
    ]),
    style
  );
  const fateOf = (side: RunDiffResponse['items'][number]['a']) =>
    side ? `${side.stepName}: ${side.reason}` : 'survived';
  const items = body.items.length
    ? renderTable(
        ['ITEM', `IN ${runA.slice(0, 8)}…`, `IN ${runB.slice(0, 8)}…`],
        body.items.map((x) => [x.itemId, fateOf(x.a), fateOf(x.b)]),
        style
      )
    : 'No item changed fate (among items recorded in both runs).';
  const more = body.nextCursor ? `\n${style.dim('more items: raise --limit')}` : '';
  return { json: body, text: `${style.bold(`${body.pipeline}: ${runA} → ${runB}`)}\n\n${steps}\n\n${items}${more}` };
}

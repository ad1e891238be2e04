import { RunDeletion } from '@xray/core/api';
import * as C from '@xray/otel';
import { holdsAll, readRunRows, type RunRows, sentRows } from '../check/run-rows.js';
import type { StorageTarget } from '../check/stored.js';
import type { Ledger, SentSpan } from '../load/ledger.js';
import { sleep } from '../util.js';

/** One `DELETE /v1/runs/{runId}`: the status, and the RunDeletion when the answer was one. */
export interface DeleteAnswer {
  status: number;
  deletion?: RunDeletion;
}

/** Sends `DELETE /v1/runs/{runId}` with `headers`; status 0 when no answer came. */
export async function deleteRunRequest(
  queryUrl: string,
  headers: Record<string, string>,
  runId: string
): Promise<DeleteAnswer> {
  try {
    const res = await fetch(`${queryUrl}/v1/runs/${runId}`, {
      method: 'DELETE',
      headers,
      signal: AbortSignal.timeout(30_000),
    });
    const parsed = RunDeletion.safeParse(await res.json().catch(() => undefined));
    return parsed.success ? { status: res.status, deletion: parsed.data } : { status: res.status };
  } catch {
    return { status: 0 };
  }
}

/**
 * The runs whose spans are all acknowledged, by run: the run span, as many step spans as it says
 * the run had, and for each step as many decisions as the step span says it made (across chunk spans).
 */
export function completeRuns(acked: readonly SentSpan[]): Map<string, SentSpan[]> {
  const byRun = new Map<string, SentSpan[]>();
  for (const s of acked) (byRun.get(s.runId) ?? byRun.set(s.runId, []).get(s.runId)!).push(s);
  const complete = new Map<string, SentSpan[]>();
  for (const [runId, spans] of byRun) {
    const run = spans.find((s) => s.kind === C.SpanKinds.RUN);
    const steps = spans.filter((s) => s.kind === C.SpanKinds.STEP);
    if (!run || steps.length < Number(run.fields.total_steps ?? Infinity)) continue;
    const madeBy = (stepId: string) =>
      spans.filter((s) => s.stepId === stepId).reduce((n, s) => n + s.decisions.length, 0);
    if (steps.every((s) => madeBy(s.stepId) >= Number(s.fields.decision_count ?? 0))) complete.set(runId, spans);
  }
  return complete;
}

export interface DeletionRound {
  /** Each deletion made: the run, what it should have removed, the answer, and whether the load still ran. */
  deleted: { runId: string; sent: RunRows; answer: DeleteAnswer; whileLoading: boolean }[];
  /** Runs that were stored complete, then refused deletion (not 200). */
  refused: { runId: string; status: number }[];
}

export interface DeletionPlan {
  queryUrl: string;
  /** The project's admin key header. */
  admin: Record<string, string>;
  /** Where the project's rows are (to see a run stored complete before deleting it). */
  storage: StorageTarget;
  ledger: Ledger;
  /** Which runs may be deleted (e.g. the current ones). */
  eligible: (run: SentSpan) => boolean;
  count: number;
  loading: () => boolean;
  timeoutMillis: number;
  log: (line: string) => void;
}

const POLL_MILLIS = 200;

/**
 * Deletes `count` runs of the project as they come, while the load runs, each as soon as all its
 * spans are acknowledged and all its rows stored (so no span of it is still on its way, to be
 * written again after the deletion), without waiting for the deletions before it; a run is
 * recorded in the ledger as deleted when the query API answers 200.
 */
export async function deleteRunsAsTheyCome(p: DeletionPlan): Promise<DeletionRound> {
  const round: DeletionRound = { deleted: [], refused: [] };
  const deleteOne = async (runId: string, sent: RunRows) => {
    const whileLoading = p.loading();
    const answer = await deleteRunRequest(p.queryUrl, p.admin, runId);
    if (answer.status !== 200) {
      round.refused.push({ runId, status: answer.status });
      return;
    }
    p.ledger.recordDeletion(runId);
    p.log(
      `deleted run ${runId}${whileLoading ? ' (sent while the load ran)' : ''}: ${JSON.stringify(answer.deletion)}`
    );
    round.deleted.push({ runId, sent, answer, whileLoading });
  };
  const requests: Promise<void>[] = [];
  const tried = new Set<string>();
  const deadline = Date.now() + p.timeoutMillis;
  while (tried.size < p.count && Date.now() < deadline) {
    const candidates = [...completeRuns(p.ledger.acknowledged())].filter(
      ([runId, spans]) => !tried.has(runId) && p.eligible(spans.find((s) => s.kind === C.SpanKinds.RUN)!)
    );
    const sent = sentRows(candidates.flatMap(([, spans]) => spans));
    const stored = await readRunRows(p.storage, [...sent.keys()]);
    for (const [runId, rows] of sent) {
      if (tried.size >= p.count || !holdsAll(stored.get(runId), rows)) continue;
      tried.add(runId);
      requests.push(deleteOne(runId, rows));
    }
    await sleep(POLL_MILLIS);
  }
  await Promise.all(requests);
  return round;
}

import { createClient } from '@clickhouse/client';
import { Tables } from '@xray/core/storage';
import * as C from '@xray/otel';
import type { SentSpan } from '../load/ledger.js';
import type { StorageTarget } from './stored.js';

/** A run's rows in each table that holds rows of runs. */
export interface RunRows {
  runs: number;
  steps: number;
  decisions: number;
  /** Rows of the item index (`item_decisions`): one per decision. */
  items: number;
}

/** The tables holding a run's rows, and the figure of {@link RunRows} each one counts in. */
export const RUN_ROW_TABLES = [
  { table: Tables.RUNS, figure: 'runs' },
  { table: Tables.STEPS, figure: 'steps' },
  { table: Tables.DECISIONS, figure: 'decisions' },
  { table: Tables.ITEM_DECISIONS, figure: 'items' },
] as const;

const NO_ROWS: RunRows = { runs: 0, steps: 0, decisions: 0, items: 0 };

/**
 * Rows of the given runs of a project in `table`, by run. Without FINAL: any row counts, a copy
 * not merged yet included (rows removed by a lightweight DELETE are not read).
 */
export function runRowsQuery(
  table: string,
  projectId: string,
  runIds: readonly string[]
): { query: string; query_params: Record<string, unknown> } {
  return {
    query: `SELECT run_id, count() AS n FROM ${table} WHERE project_id = {projectId:String} AND has({runIds:Array(String)}, run_id) GROUP BY run_id`,
    query_params: { projectId, runIds },
  };
}

/** What ClickHouse holds of each run in `runIds` (zeros for a run it holds nothing of). */
export async function readRunRows(t: StorageTarget, runIds: readonly string[]): Promise<Map<string, RunRows>> {
  const out = new Map(runIds.map((id) => [id, { ...NO_ROWS }]));
  if (runIds.length === 0) return out;
  const ch = createClient({ url: t.clickhouseUrl, database: t.database });
  try {
    for (const { table, figure } of RUN_ROW_TABLES) {
      const result = await ch.query({ ...runRowsQuery(table, t.projectId, runIds), format: 'JSONEachRow' });
      for (const row of await result.json<{ run_id: string; n: string | number }>())
        out.get(row.run_id)![figure] = Number(row.n);
    }
    return out;
  } finally {
    await ch.close();
  }
}

/** The rows each run of `spans` must produce: a run row, a row per step, two per decision (events and item index). */
export function sentRows(spans: readonly SentSpan[]): Map<string, RunRows> {
  const out = new Map<string, RunRows>();
  for (const s of spans) {
    const rows = out.get(s.runId) ?? out.set(s.runId, { ...NO_ROWS }).get(s.runId)!;
    if (s.kind === C.SpanKinds.RUN) rows.runs++;
    if (s.kind === C.SpanKinds.STEP) rows.steps++;
    rows.decisions += s.decisions.length;
    rows.items += s.decisions.length;
  }
  return out;
}

/** True when `stored` holds at least every row `sent` must produce. */
export function holdsAll(stored: RunRows | undefined, sent: RunRows): boolean {
  return stored !== undefined && RUN_ROW_TABLES.every(({ figure }) => stored[figure] >= sent[figure]);
}

/** Every row of `rows` (of every table). */
export function totalRows(rows: RunRows): number {
  return rows.runs + rows.steps + rows.decisions + rows.items;
}

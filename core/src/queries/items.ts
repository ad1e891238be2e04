/**
 * Questions about items: where did item X die (in one run, across runs), and what changed between
 * two runs. Parameterised, read with FINAL, each served by a sort key: `item_decisions` is ordered
 * by (project_id, item_id, run_id, …), `decision_events` by (project_id, step_id, …).
 */
import type { BoundQuery } from './bound.js';

const ITEM_DECISION_COLUMNS = `run_id, step_id, seq, item_id, outcome, reason, reason_code, score, important, toString(timestamp) AS timestamp_text`;

/** Every recorded decision about one item in one run. */
export function itemInRunQuery(projectId: string, runId: string, itemId: string): BoundQuery {
  return {
    query: `SELECT ${ITEM_DECISION_COLUMNS} FROM item_decisions FINAL
            WHERE project_id = {projectId:String} AND item_id = {itemId:String} AND run_id = {runId:String}
            ORDER BY timestamp, step_id, seq LIMIT 10000`,
    query_params: { projectId, runId, itemId },
  };
}

export interface ItemRunsFilter {
  projectId: string;
  itemId: string;
  /** Only runs of this pipeline. */
  pipeline?: string;
  fromMillis?: number;
  toMillis?: number;
  /** Continue after this run (the last of the previous page): newest first by first decision time. */
  after?: { firstSeen: string; runId: string };
  limit: number;
  /** false: read without FINAL (faster; re-delivered rows count twice until merged). Default true. */
  exact?: boolean;
}

/**
 * One row per run in which the item was decided on, newest first: when it was first seen, how many
 * decisions, and the first decision that eliminated it (empty step id when none did).
 */
export function itemAcrossRunsQuery(f: ItemRunsFilter): BoundQuery {
  const where = ['project_id = {projectId:String}', 'item_id = {itemId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, itemId: f.itemId, limit: f.limit + 1 };
  if (f.fromMillis !== undefined) {
    where.push('timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})');
    params.fromMs = f.fromMillis;
  }
  if (f.toMillis !== undefined) {
    where.push('timestamp < fromUnixTimestamp64Milli({toMs:Int64})');
    params.toMs = f.toMillis;
  }
  if (f.pipeline !== undefined) {
    where.push(
      `run_id IN (SELECT run_id FROM runs ${f.exact === false ? '' : 'FINAL'} WHERE project_id = {projectId:String} AND pipeline = {pipeline:String})`
    );
    params.pipeline = f.pipeline;
  }
  const having: string[] = [];
  if (f.after) {
    having.push(`(first_seen, run_id) < (toDateTime64({afterTime:String}, 9, 'UTC'), {afterRun:String})`);
    params.afterTime = f.after.firstSeen;
    params.afterRun = f.after.runId;
  }
  return {
    query: `SELECT run_id, min(timestamp) AS first_seen, toString(first_seen) AS first_seen_text, count() AS decisions,
                   argMinIf((step_id, seq, reason, reason_code), (timestamp, seq), outcome = 'eliminated') AS eliminated,
                   countIf(outcome = 'eliminated') > 0 AS was_eliminated
            FROM item_decisions ${f.exact === false ? '' : 'FINAL'} WHERE ${where.join(' AND ')}
            GROUP BY run_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}
            ORDER BY first_seen DESC, run_id DESC LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

export interface RunDiffFilter {
  projectId: string;
  runA: string;
  runB: string;
  /** The steps of both runs, and the name each is matched by (steps are compared by name). */
  stepIds: readonly string[];
  stepNames: readonly string[];
  afterItem?: string;
  limit: number;
  /** false: read without FINAL (faster; re-delivered rows count twice until merged). Default true. */
  exact?: boolean;
}

/**
 * Items decided on in both runs whose fate differs: eliminated at another step (by name), or
 * eliminated in one run and not in the other. Reads decision_events by its sort key (the steps of
 * the two runs). Items recorded in only one run (sampled capture, or different input) are left out.
 */
export function runDiffItemsQuery(f: RunDiffFilter): BoundQuery {
  const eliminatedIn = (run: string) =>
    `argMinIf((step_id, reason, reason_code), (timestamp, seq), run_id = {${run}:String} AND outcome = 'eliminated')`;
  const name = (tuple: string) =>
    `transform(tupleElement(${tuple}, 1), {stepIds:Array(String)}, {stepNames:Array(String)}, '')`;
  const where = [
    'project_id = {projectId:String}',
    'step_id IN {stepIds:Array(String)}',
    'run_id IN ({runA:String}, {runB:String})',
  ];
  const params: Record<string, unknown> = {
    projectId: f.projectId,
    runA: f.runA,
    runB: f.runB,
    stepIds: f.stepIds,
    stepNames: f.stepNames,
    limit: f.limit + 1,
  };
  if (f.afterItem !== undefined) {
    where.push('item_id > {afterItem:String}');
    params.afterItem = f.afterItem;
  }
  return {
    query: `SELECT item_id, ${eliminatedIn('runA')} AS a, ${eliminatedIn('runB')} AS b, ${name('a')} AS a_step_name, ${name('b')} AS b_step_name
            FROM decision_events ${f.exact === false ? '' : 'FINAL'} WHERE ${where.join(' AND ')}
            GROUP BY item_id
            HAVING countIf(run_id = {runA:String}) > 0 AND countIf(run_id = {runB:String}) > 0 AND a_step_name != b_step_name
            ORDER BY item_id LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

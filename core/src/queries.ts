// Text renderings of times get their own aliases: in ClickHouse an alias named like a column
// shadows the column everywhere in the query (ORDER BY, WHERE), which would compare strings.

/**
 * Read queries for the query API: pure functions returning `{ query, query_params }` for
 * `@clickhouse/client`. Every value is a bound parameter; every query filters by project first
 * (the sort key's prefix) and reads with FINAL so re-delivered rows are counted once.
 */
export interface BoundQuery {
  query: string;
  query_params: Record<string, unknown>;
}

const RUN_COLUMNS = `run_id, pipeline, status, toString(started_at) AS started_text, toString(ended_at) AS ended_text,
  (toUnixTimestamp64Nano(ended_at) - toUnixTimestamp64Nano(started_at)) / 1e6 AS duration_ms,
  total_steps, input_count, output_count, elimination_ratio, error_message`;

export interface RunListFilter {
  projectId: string;
  pipeline?: string;
  minEliminationRatio?: number;
  maxEliminationRatio?: number;
  /** `ok` or `error`. */
  status?: string;
  /** Newest first (`time`, the default) or highest elimination ratio first (`ratio`, then newest). */
  sort?: 'time' | 'ratio';
  /** Inclusive lower bound on the start time, ms since epoch. */
  fromMillis?: number;
  /** Exclusive upper bound on the start time, ms since epoch. */
  toMillis?: number;
  /** Position after which to continue: the last run of the previous page (its ratio when sorting by ratio). */
  after?: { startedAt: string; runId: string; ratio?: number };
  limit: number;
}

/** Items a run (or a sum of runs) eliminated, from its counts: what /v1/pipelines and /v1/trends report. */
export const RUN_ELIMINATED_SQL = 'input_count - least(output_count, input_count)';

/** Adds a run start-time range (from inclusive, to exclusive, ms since epoch) to a query's conditions. */
function startedWithin(where: string[], params: Record<string, unknown>, f: { fromMillis?: number; toMillis?: number }): void {
  if (f.fromMillis !== undefined) {
    where.push('started_at >= fromUnixTimestamp64Milli({fromMs:Int64})');
    params.fromMs = f.fromMillis;
  }
  if (f.toMillis !== undefined) {
    where.push('started_at < fromUnixTimestamp64Milli({toMs:Int64})');
    params.toMs = f.toMillis;
  }
}

export interface PipelineFilter {
  projectId: string;
  fromMillis?: number;
  toMillis?: number;
  limit: number;
}

/** The pipelines that ran in a time range, with their run counts and input-weighted elimination ratio. */
export function pipelinesQuery(f: PipelineFilter): BoundQuery {
  const where = ['project_id = {projectId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, limit: f.limit };
  startedWithin(where, params, f);
  return {
    query: `SELECT pipeline, count() AS runs, toString(max(started_at)) AS last_run_text,
                   sum(input_count) AS input, sum(${RUN_ELIMINATED_SQL}) AS eliminated
            FROM runs FINAL WHERE ${where.join(' AND ')}
            GROUP BY pipeline ORDER BY pipeline LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

/** Runs, newest first, one page (asks for one extra row to know whether another page exists). */
export function listRunsQuery(f: RunListFilter): BoundQuery {
  const where = ['project_id = {projectId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, limit: f.limit + 1 };
  if (f.pipeline !== undefined) {
    where.push('pipeline = {pipeline:String}');
    params.pipeline = f.pipeline;
  }
  if (f.minEliminationRatio !== undefined) {
    where.push('elimination_ratio >= {minRatio:Float64}');
    params.minRatio = f.minEliminationRatio;
  }
  if (f.maxEliminationRatio !== undefined) {
    where.push('elimination_ratio <= {maxRatio:Float64}');
    params.maxRatio = f.maxEliminationRatio;
  }
  if (f.status !== undefined) {
    where.push('status = {status:String}');
    params.status = f.status;
  }
  startedWithin(where, params, f);
  const byRatio = f.sort === 'ratio';
  if (f.after) {
    const position = `toDateTime64({afterTime:String}, 9, 'UTC'), {afterRun:String}`;
    where.push(byRatio ? `(elimination_ratio, started_at, run_id) < ({afterRatio:Float64}, ${position})` : `(started_at, run_id) < (${position})`);
    params.afterTime = f.after.startedAt;
    params.afterRun = f.after.runId;
    if (byRatio) params.afterRatio = f.after.ratio ?? 0;
  }
  return {
    query: `SELECT ${RUN_COLUMNS} FROM runs FINAL WHERE ${where.join(' AND ')}
            ORDER BY ${byRatio ? 'elimination_ratio DESC, ' : ''}started_at DESC, run_id DESC LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

/** One run by id. */
export function getRunQuery(projectId: string, runId: string): BoundQuery {
  return {
    query: `SELECT ${RUN_COLUMNS}, payload_key, payload_offset, payload_length FROM runs FINAL
            WHERE project_id = {projectId:String} AND run_id = {runId:String} LIMIT 1`,
    query_params: { projectId, runId },
  };
}

const STEP_COLUMNS = `run_id, step_id, step_index, parent_step_id, name, type, status, recorded_count, capture,
  toString(started_at) AS started_text, toString(ended_at) AS ended_text,
  (toUnixTimestamp64Nano(ended_at) - toUnixTimestamp64Nano(started_at)) / 1e6 AS duration_ms,
  input_count, output_count, kept_count, eliminated_count, scored_count, decision_count,
  elimination_ratio, error_message`;

/** A run's steps in execution order. */
export function listStepsQuery(projectId: string, runId: string): BoundQuery {
  return {
    query: `SELECT ${STEP_COLUMNS} FROM steps FINAL
            WHERE project_id = {projectId:String} AND run_id = {runId:String}
            ORDER BY step_index, started_at, step_id`,
    query_params: { projectId, runId },
  };
}

/** One step by id. */
export function getStepQuery(projectId: string, stepId: string): BoundQuery {
  return {
    query: `SELECT ${STEP_COLUMNS}, payload_key, payload_offset, payload_length FROM steps FINAL
            WHERE project_id = {projectId:String} AND step_id = {stepId:String} LIMIT 1`,
    query_params: { projectId, stepId },
  };
}

const DECISION_COLUMNS = `run_id, step_id, seq, item_id, outcome, reason, reason_code, score, important, toString(timestamp) AS timestamp_text`;

export interface DecisionFilter {
  projectId: string;
  stepId: string;
  outcome?: string;
  itemId?: string;
  reasonCode?: string;
  /** Decisions sent without a reason code whose reason is exactly this text (the histogram's key for them). */
  reason?: string;
  /** Scores within [minScore, maxScore]; decisions without a score never match a score bound. */
  minScore?: number;
  maxScore?: number;
  /** Continue after this sequence number. */
  afterSeq?: number;
  limit: number;
}

/** A step's decisions in sequence order, one page (one extra row to detect the next page). */
export function listDecisionsQuery(f: DecisionFilter): BoundQuery {
  const where = ['project_id = {projectId:String}', 'step_id = {stepId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, stepId: f.stepId, limit: f.limit + 1 };
  if (f.outcome !== undefined) {
    where.push('outcome = {outcome:String}');
    params.outcome = f.outcome;
  }
  if (f.itemId !== undefined) {
    where.push('item_id = {itemId:String}');
    params.itemId = f.itemId;
  }
  if (f.reasonCode !== undefined) {
    where.push('reason_code = {reasonCode:String}');
    params.reasonCode = f.reasonCode;
  }
  if (f.reason !== undefined) {
    // As the reason histogram counts it: the text of decisions sent without a reason code.
    where.push("reason = {reason:String} AND reason_code = ''");
    params.reason = f.reason;
  }
  if (f.minScore !== undefined) {
    where.push('score >= {minScore:Float64}');
    params.minScore = f.minScore;
  }
  if (f.maxScore !== undefined) {
    where.push('score <= {maxScore:Float64}');
    params.maxScore = f.maxScore;
  }
  if (f.afterSeq !== undefined) {
    where.push('seq > {afterSeq:UInt32}');
    params.afterSeq = f.afterSeq;
  }
  return {
    query: `SELECT ${DECISION_COLUMNS} FROM decision_events FINAL WHERE ${where.join(' AND ')}
            ORDER BY seq LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

/** One decision by its step and sequence number, with where its payload is. */
export function getDecisionQuery(projectId: string, stepId: string, seq: number): BoundQuery {
  return {
    query: `SELECT ${DECISION_COLUMNS}, payload_key, payload_offset, payload_length FROM decision_events FINAL
            WHERE project_id = {projectId:String} AND step_id = {stepId:String} AND seq = {seq:UInt32} LIMIT 1`,
    query_params: { projectId, stepId, seq },
  };
}

export interface ReasonFilter {
  projectId: string;
  stepId: string;
  outcome?: string;
  /** Example decisions per reason (1-10). */
  examples: number;
  limit: number;
  /** false: read without FINAL (faster; re-delivered rows count twice until merged). Default true. */
  exact?: boolean;
}

/**
 * Why a step decided as it did: its recorded decisions grouped by reason code where the SDK sent
 * one, else by reason text; most frequent first, with a few example decisions (lowest seq first).
 */
export function reasonHistogramQuery(f: ReasonFilter): BoundQuery {
  const where = ['project_id = {projectId:String}', 'step_id = {stepId:String}'];
  const params: Record<string, unknown> = { projectId: f.projectId, stepId: f.stepId, examples: f.examples, limit: f.limit };
  if (f.outcome !== undefined) {
    where.push('outcome = {outcome:String}');
    params.outcome = f.outcome;
  }
  return {
    query: `SELECT reason_code != '' AS by_code, if(by_code, reason_code, reason) AS reason_key, count() AS decisions,
                   groupArraySorted({examples:UInt8})((seq, item_id, outcome, reason)) AS examples
            FROM decision_events ${f.exact === false ? '' : 'FINAL'} WHERE ${where.join(' AND ')}
            GROUP BY by_code, reason_key ORDER BY decisions DESC, reason_key LIMIT {limit:UInt32}`,
    query_params: params,
  };
}

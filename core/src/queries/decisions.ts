/** Decisions: a step's decisions (filtered, paged), one decision, and a step's reason histogram. */
import type { BoundQuery } from './bound.js';

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
  const params: Record<string, unknown> = {
    projectId: f.projectId,
    stepId: f.stepId,
    examples: f.examples,
    limit: f.limit,
  };
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

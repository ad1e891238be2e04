/**
 * Row shapes of the ClickHouse tables (see ../migrations). Timestamps are DateTime64(9) text
 * (`nanosToClickHouse`), exact to the nanosecond.
 */

/** Where a record's full payload lives: an S3 object and the byte range of its line. */
export interface PayloadRef {
  payload_key: string;
  payload_offset: number;
  payload_length: number;
}

/** The fields of a {@link PayloadRef}. */
export const PAYLOAD_REF_FIELDS = [
  'payload_key',
  'payload_offset',
  'payload_length',
] as const satisfies readonly (keyof PayloadRef)[];

export interface RunRow extends PayloadRef {
  project_id: string;
  run_id: string;
  pipeline: string;
  status: string;
  started_at: string;
  ended_at: string;
  total_steps: number;
  /** Steps that ended with status `error` (`xray.run.failed_step_count`). */
  failed_steps: number;
  input_count: number;
  output_count: number;
  elimination_ratio: number;
  error_message: string;
}

export interface StepRow extends PayloadRef {
  project_id: string;
  run_id: string;
  step_id: string;
  step_index: number;
  /** The enclosing step's id for a nested step, else ''. */
  parent_step_id: string;
  name: string;
  type: string;
  status: string;
  started_at: string;
  ended_at: string;
  input_count: number;
  output_count: number;
  kept_count: number;
  eliminated_count: number;
  scored_count: number;
  decision_count: number;
  /** Decisions recorded as events (fewer than decision_count when sampled). */
  recorded_count: number;
  capture: string;
  elimination_ratio: number;
  error_message: string;
}

export interface DecisionRow extends PayloadRef {
  project_id: string;
  run_id: string;
  step_id: string;
  seq: number;
  item_id: string;
  outcome: string;
  reason: string;
  reason_code: string;
  score: number | null;
  important: boolean;
  timestamp: string;
}

/**
 * The columns of item_decisions (migration 011): the processor writes each decision row to
 * decision_events whole and to item_decisions without the payload reference.
 */
export const ITEM_DECISION_COLUMNS = [
  'project_id',
  'item_id',
  'run_id',
  'step_id',
  'seq',
  'outcome',
  'reason',
  'reason_code',
  'score',
  'important',
  'timestamp',
  'retention_days',
] as const;

/**
 * The ClickHouse table each row type goes to. Decision rows go to both DECISIONS and
 * ITEM_DECISIONS ({@link ITEM_DECISION_COLUMNS}): the item questions never read the payload
 * reference, a payload is found through DECISIONS by step and seq, and sorted by item the reference
 * was about half the table's bytes.
 */
export const Tables = {
  RUNS: 'runs',
  STEPS: 'steps',
  DECISIONS: 'decision_events',
  ITEM_DECISIONS: 'item_decisions',
  /** Runs deleted on request (tombstones): what the query API answers 410 Gone for. */
  DELETIONS: 'deletions',
} as const;

/** Share of `input` that did not make it to `output`, in [0, 1]; 0 when nothing came in. */
export function eliminationRatio(input: number, output: number): number {
  if (!(input > 0)) return 0;
  return Math.min(1, Math.max(0, (input - output) / input));
}

/**
 * The SQL of every read: pure builders returning `{ query, query_params }` for `@clickhouse/client`,
 * always parameterised, filtered by project first, read with `FINAL` unless a caller asks for an
 * eventual read. One file per resource.
 */
export type { BoundQuery } from './bound.js';
export {
  RUN_ELIMINATED_SQL,
  getRunQuery,
  listRunsQuery,
  pipelinesQuery,
  runsByIdQuery,
  type PipelineFilter,
  type RunListFilter,
} from './runs.js';
export { getStepQuery, listStepsQuery, STEP_ELIMINATED_SQL, stepNamesQuery } from './steps.js';
export {
  getDecisionQuery,
  listDecisionsQuery,
  reasonHistogramQuery,
  type DecisionFilter,
  type ReasonFilter,
} from './decisions.js';
export {
  itemAcrossRunsQuery,
  itemInRunQuery,
  runDiffItemsQuery,
  type ItemRunsFilter,
  type RunDiffFilter,
} from './items.js';
export { trendQuery, type TrendFilter } from './trends.js';
export { deletedRunQuery } from './deletions.js';
export {
  eliminationRatioQuery,
  itemsEliminatedQuery,
  reasonShareQuery,
  stepIdsQuery,
  type ReasonWindow,
  type StepWindow,
} from './alerts.js';

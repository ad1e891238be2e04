/**
 * The query API's contract as its clients see it: every answer's type (alerts included), the error
 * shape, and the conversions from ClickHouse rows to answers. The CLI and the Grafana plugin import
 * their types from here, and nothing else of core.
 */
export type { ErrorResponse } from './errors.js';
export {
  toPipelineSummary,
  toRunSummary,
  type PipelineListResponse,
  type PipelineSummary,
  type RunListResponse,
  type RunSummary,
} from './runs.js';
export { toStepList, toStepSummary, type StepListResponse, type StepSummary } from './steps.js';
export {
  toDecisionSummary,
  toReasonHistogram,
  type DecisionDetail,
  type DecisionListResponse,
  type DecisionSummary,
  type ReasonCount,
  type ReasonHistogramResponse,
} from './decisions.js';
export {
  stepDeltas,
  toItemChange,
  toItemInRun,
  toItemRun,
  type Elimination,
  type ItemChange,
  type ItemInRunResponse,
  type ItemRunsResponse,
  type RunDiffResponse,
  type StepDelta,
  type StepIndex,
  type StepRef,
} from './items.js';
export { parseInterval, toTrendSeries, type TrendPoint, type TrendResponse, type TrendSeries } from './trends.js';
export {
  MAX_EVENTS,
  MAX_RULES,
  MAX_WATCHED_ITEMS,
  MAX_WINDOW_SECONDS,
  RULE_KINDS,
  type AlertEvent,
  type AlertEventListResponse,
  type AlertRule,
  type AlertRuleListResponse,
  type AlertRuleSpec,
  type AlertRuleWithState,
  type DeliveryCounts,
  type EliminationRatioRule,
  type ItemEliminatedRule,
  type ReasonShareRule,
  type RuleState,
} from './alerts.js';

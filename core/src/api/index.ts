/**
 * The query API's contract as its clients see it: every answer as a schema (zod, from which
 * GET /openapi.json is generated) and its type (`z.infer` of that schema, same name), alerts,
 * deletions and the project included; the error shape; the page limits; and the conversions from
 * ClickHouse rows to answers.
 * The CLI and the Grafana plugin import their types from here, and nothing else of core.
 */
export { ErrorResponse } from './errors.js';
export { IsoTime } from './convert.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type MaxPageSize, NextCursor } from './paging.js';
export {
  Payload,
  PipelineListResponse,
  PipelineSummary,
  RunListResponse,
  RunSummary,
  toPipelineSummary,
  toRunSummary,
} from './runs.js';
export {
  DELETED_PAYLOAD_MESSAGE,
  expiredPayloadMessage,
  isTruncatedMarker,
  jsonBytes,
  MISSING_PAYLOAD_MESSAGE,
  PAYLOAD_HEAD_BYTES,
  payloadDownloadPath,
  PayloadInfo,
  PayloadInfos,
  type PayloadState,
  PayloadStates,
  TRUNCATED_PAYLOAD_MESSAGE,
  TRUNCATION_REASON_MESSAGES,
  utf8Head,
  valueInfo,
  WHOLE_PAYLOAD_MAX_BYTES,
} from './payloads.js';
export { failedBeforeDeciding, StepListResponse, StepSummary, toStepList, toStepSummary } from './steps.js';
export {
  DecisionDetail,
  DecisionListResponse,
  DecisionSummary,
  ReasonCount,
  ReasonHistogramResponse,
  toDecisionSummary,
  toReasonHistogram,
} from './decisions.js';
export {
  Elimination,
  ItemChange,
  ItemDecision,
  ItemInRunResponse,
  ItemRun,
  ItemRunsResponse,
  RunDiffResponse,
  StepDelta,
  StepRef,
  stepDeltas,
  toItemChange,
  toItemInRun,
  toItemRun,
  type StepIndex,
} from './items.js';
export { deletedRunMessage, expiredPayloadsMessage, RunDeletion } from './deletions.js';
export { ProjectResponse, ProjectRetention } from './projects.js';
export { INTERVAL_PATTERN, parseInterval, toTrendSeries, TrendPoint, TrendResponse, TrendSeries } from './trends.js';
export {
  AlertEvent,
  AlertEventListResponse,
  AlertRule,
  AlertRuleListResponse,
  AlertRuleSpec,
  AlertRuleWithState,
  DeliveryCounts,
  EliminationRatioRule,
  ItemEliminatedRule,
  MAX_EVENTS,
  MAX_RULE_TEXT,
  MAX_RULES,
  MAX_NAME_LENGTH,
  MAX_WATCHED_ITEMS,
  MAX_WEBHOOK_LENGTH,
  MAX_WINDOW_SECONDS,
  NAME_PATTERN,
  NewAlertRule,
  ReasonShareRule,
  RULE_KINDS,
  RuleState,
  WEBHOOK_PATTERN,
} from './alerts.js';

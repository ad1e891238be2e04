// The query API's answers and page limit, from the one place they are defined (@xray/core/api, where
// they are derived from the schemas /openapi.json is generated from). Types only: nothing of
// @xray/core ends up in the bundle.
export type {
  DecisionDetail,
  DecisionListResponse,
  DecisionSummary,
  ItemInRunResponse,
  ItemRunsResponse,
  MaxPageSize,
  PayloadInfo,
  PipelineListResponse,
  PipelineSummary,
  ReasonCount,
  ReasonHistogramResponse,
  RunDiffResponse,
  RunListResponse,
  RunSummary,
  StepDelta,
  StepListResponse,
  StepSummary,
  TrendPoint,
  TrendResponse,
  TrendSeries,
} from '@xray/core/api';

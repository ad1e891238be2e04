// The query API's answers, from the one place they are defined (@xray/core). Types only: nothing of
// @xray/core ends up in the bundle.
export type {
  DecisionDetail,
  DecisionListResponse,
  DecisionSummary,
  ItemInRunResponse,
  ItemRunsResponse,
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

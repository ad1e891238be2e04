/** Runs and pipelines: `GET /v1/pipelines`, `GET /v1/runs`, `GET /v1/runs/{runId}`. */
import { clickhouseTimeToIso } from '../model/time.js';
import { n, type Row, s } from './convert.js';

export interface RunSummary {
  runId: string;
  pipeline: string;
  status: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  totalSteps: number;
  inputCount: number;
  outputCount: number;
  eliminationRatio: number;
  error?: string;
}

/** `GET /v1/pipelines` */
export interface PipelineListResponse {
  pipelines: PipelineSummary[];
}
export interface PipelineSummary {
  name: string;
  runs: number;
  lastRunAt: string;
  /** Of all the input of its runs in the range, the share its runs eliminated. */
  eliminationRatio: number;
}

/** `GET /v1/runs` */
export interface RunListResponse {
  runs: RunSummary[];
  nextCursor: string | null;
}
export function toPipelineSummary(r: Row): PipelineSummary {
  const input = n(r.input);
  return {
    name: s(r.pipeline),
    runs: n(r.runs),
    lastRunAt: clickhouseTimeToIso(s(r.last_run_text)),
    eliminationRatio: input > 0 ? n(r.eliminated) / input : 0,
  };
}

export function toRunSummary(r: Row): RunSummary {
  return {
    runId: s(r.run_id),
    pipeline: s(r.pipeline),
    status: s(r.status),
    startedAt: clickhouseTimeToIso(s(r.started_text)),
    endedAt: clickhouseTimeToIso(s(r.ended_text)),
    durationMs: n(r.duration_ms),
    totalSteps: n(r.total_steps),
    inputCount: n(r.input_count),
    outputCount: n(r.output_count),
    eliminationRatio: n(r.elimination_ratio),
    ...(r.error_message ? { error: s(r.error_message) } : {}),
  };
}

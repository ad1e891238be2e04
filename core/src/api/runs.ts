/** Runs and pipelines: `GET /v1/pipelines`, `GET /v1/runs`, `GET /v1/runs/{runId}`. */
import { z } from 'zod';
import { clickhouseTimeToIso } from '../model/time.js';
import { IsoTime, n, type Row, s } from './convert.js';
import { NextCursor } from './paging.js';
import { PayloadInfos } from './payloads.js';

export const RunSummary = z
  .object({
    runId: z.string(),
    pipeline: z.string(),
    status: z.string().describe('ok or error'),
    startedAt: IsoTime,
    endedAt: IsoTime,
    durationMs: z.number(),
    totalSteps: z.number(),
    failedSteps: z
      .number()
      .describe('Steps that ended with status error, also in a run that ended ok (the caller caught the error).'),
    inputCount: z.number(),
    outputCount: z.number(),
    eliminationRatio: z.number().describe('Of the run input, the share not in its output (0-1).'),
    error: z.string().optional().describe('The error message of a failed run.'),
  })
  .meta({ id: 'RunSummary', description: "One run's metrics." });
export type RunSummary = z.infer<typeof RunSummary>;

export const PipelineSummary = z
  .object({
    name: z.string(),
    runs: z.number(),
    lastRunAt: IsoTime,
    eliminationRatio: z.number().describe('Of all the input of its runs in the range, the share its runs eliminated.'),
  })
  .meta({ id: 'PipelineSummary' });
export type PipelineSummary = z.infer<typeof PipelineSummary>;

/** `GET /v1/pipelines` */
export const PipelineListResponse = z
  .object({ pipelines: z.array(PipelineSummary) })
  .meta({ id: 'PipelineListResponse' });
export type PipelineListResponse = z.infer<typeof PipelineListResponse>;

/** `GET /v1/runs` */
export const RunListResponse = z
  .object({ runs: z.array(RunSummary), nextCursor: NextCursor })
  .meta({ id: 'RunListResponse' });
export type RunListResponse = z.infer<typeof RunListResponse>;

/** A run's or a step's record from S3 (`/v1/runs/{runId}/payload`, `/v1/steps/{stepId}/payload`). */
export const Payload = z.object({ payloads: PayloadInfos.optional() }).catchall(z.unknown()).meta({
  id: 'Payload',
  description:
    'The record as the SDK sent it: kind, ids, status, times, error, input and output, each value inline or read by reference (a value larger than 1 MiB, or missing, is absent: see payloads).',
});
export type Payload = z.infer<typeof Payload>;

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
    failedSteps: n(r.failed_steps),
    inputCount: n(r.input_count),
    outputCount: n(r.output_count),
    eliminationRatio: n(r.elimination_ratio),
    ...(r.error_message ? { error: s(r.error_message) } : {}),
  };
}

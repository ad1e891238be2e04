import * as C from '@xray/otel';
import type { XSpan } from '../../model/span.js';
import { nanosToClickHouse, nanosToIso } from '../../model/time.js';
import { eliminationRatio } from '../rows.js';
import { payloadKey } from '../s3-keys.js';
import type { WriteBatch } from './batch.js';
import { LinesWriter } from './lines.js';
import { UINT64, count, endOf, json, runIdOf, str } from './read.js';

/** A run span: its `runs` row and its payload object (the run's input and output). */
export function mapRun(projectId: string, span: XSpan, into: WriteBatch): void {
  const a = span.attributes;
  const runId = runIdOf(span);
  const writer = new LinesWriter(payloadKey(projectId, runId, span.spanId, span.startTimeUnixNano));
  const pipeline = str(a, C.ATTR_XRAY_PIPELINE_NAME, span.name);
  const status = str(a, C.ATTR_XRAY_RUN_STATUS, span.status.code === 2 ? C.RunStatuses.ERROR : C.RunStatuses.OK);
  const ref = writer.add({
    kind: C.SpanKinds.RUN,
    runId,
    pipeline,
    status,
    startedAt: nanosToIso(span.startTimeUnixNano),
    endedAt: nanosToIso(span.endTimeUnixNano),
    input: json(a, C.ATTR_XRAY_RUN_INPUT),
    output: json(a, C.ATTR_XRAY_RUN_OUTPUT),
    error: span.status.message || undefined,
  });
  const input = count(a, C.ATTR_XRAY_RUN_INPUT_COUNT, UINT64);
  const output = count(a, C.ATTR_XRAY_RUN_OUTPUT_COUNT, UINT64);
  into.runs.push({
    project_id: projectId,
    run_id: runId,
    pipeline,
    status,
    started_at: nanosToClickHouse(span.startTimeUnixNano),
    ended_at: nanosToClickHouse(endOf(span)),
    total_steps: count(a, C.ATTR_XRAY_RUN_STEP_COUNT),
    input_count: input,
    output_count: output,
    elimination_ratio: eliminationRatio(input, output),
    error_message: span.status.message,
    ...ref,
  });
  into.objects.push(writer.toObject());
}

import * as C from '@xray/otel';
import type { XSpan } from '../../model/span.js';
import { nanosToClickHouse, nanosToIso } from '../../model/time.js';
import { dayOf, payloadKey } from '../s3-keys.js';
import type { WriteBatch } from './batch.js';
import { FramedWriter, UNPLACED } from '../payloads/frames.js';
import { eliminationRatio, type RunRow } from '../rows.js';
import { recordPayloads } from './payload-fields.js';
import { UINT64, count, endOf, runIdOf, str } from './read.js';

const RUN_PAYLOADS = { input: C.ATTR_XRAY_RUN_INPUT, output: C.ATTR_XRAY_RUN_OUTPUT } as const;

/** A run span: its `runs` row and its payload object (the run's input and output). */
export function mapRun(projectId: string, span: XSpan, into: WriteBatch): void {
  const a = span.attributes;
  const runId = runIdOf(span);
  const writer = new FramedWriter(payloadKey(projectId, runId, span.spanId, span.startTimeUnixNano));
  const pipeline = str(a, C.ATTR_XRAY_PIPELINE_NAME, span.name);
  const status = str(a, C.ATTR_XRAY_RUN_STATUS, span.status.code === 2 ? C.RunStatuses.ERROR : C.RunStatuses.OK);
  const payloads = recordPayloads(projectId, a, RUN_PAYLOADS, dayOf(span.startTimeUnixNano), into.blobs);
  for (const problem of payloads.invalid) into.skipped.push({ spanId: span.spanId, reason: `run: ${problem}` });
  const input = count(a, C.ATTR_XRAY_RUN_INPUT_COUNT, UINT64);
  const output = count(a, C.ATTR_XRAY_RUN_OUTPUT_COUNT, UINT64);
  const row: RunRow = {
    project_id: projectId,
    run_id: runId,
    pipeline,
    status,
    started_at: nanosToClickHouse(span.startTimeUnixNano),
    ended_at: nanosToClickHouse(endOf(span)),
    total_steps: count(a, C.ATTR_XRAY_RUN_STEP_COUNT),
    failed_steps: count(a, C.ATTR_XRAY_RUN_FAILED_STEP_COUNT),
    input_count: input,
    output_count: output,
    elimination_ratio: eliminationRatio(input, output),
    error_message: span.status.message,
    ...UNPLACED,
  };
  // The identity comes first: readers find the record in its frame by this prefix (records.ts).
  writer.add(
    {
      kind: C.SpanKinds.RUN,
      runId,
      pipeline,
      status,
      startedAt: nanosToIso(span.startTimeUnixNano),
      endedAt: nanosToIso(span.endTimeUnixNano),
      ...payloads.values,
      refs: payloads.refs,
      error: span.status.message || undefined,
    },
    row
  );
  into.runs.push(row);
  into.pending.push(writer.pending()!);
}

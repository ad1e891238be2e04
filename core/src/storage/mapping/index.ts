/** X-Ray spans -> rows of `runs`, `steps`, `decision_events`, their framed payload objects and content-addressed values. */
import * as C from '@xray/otel';
import type { XSpan } from '../../model/span.js';
import { emptyBatch, type WriteBatch } from './batch.js';
import { mapRun } from './runs.js';
import { mapStepOrChunk } from './steps.js';

export { emptyBatch, encodeBatch, type WriteBatch } from './batch.js';
export { DEDUP_MIN_BYTES, type BlobToWrite } from './payload-fields.js';

/**
 * Maps X-Ray spans to rows and payload objects. Pure and deterministic: the same spans always give
 * the same rows, keys and bytes, which is what makes re-delivery harmless. Counts come from the
 * span attributes the SDK computed, never from counting events, so they stay exact whatever
 * order spans arrive in and whichever processor handles them.
 */
export function mapSpans(projectId: string, spans: readonly XSpan[], into: WriteBatch = emptyBatch()): WriteBatch {
  for (const span of spans) {
    const kind = span.attributes[C.ATTR_XRAY_SPAN_KIND];
    if (kind === C.SpanKinds.RUN) mapRun(projectId, span, into);
    else if (kind === C.SpanKinds.STEP || kind === C.SpanKinds.DECISIONS) mapStepOrChunk(projectId, span, into);
    else into.skipped.push({ spanId: span.spanId, reason: `unknown ${C.ATTR_XRAY_SPAN_KIND} ${JSON.stringify(kind)}` });
  }
  return into;
}

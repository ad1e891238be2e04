import type { DecisionRow, RunRow, StepRow } from '../rows.js';
import { encodeObject, type PayloadObject, type PendingObject } from '../payloads/frames.js';
import type { BlobToWrite } from './payload-fields.js';

/** Everything one batch of spans becomes: rows for the three tables and the payload objects. */
export interface WriteBatch {
  runs: RunRow[];
  steps: StepRow[];
  decisions: DecisionRow[];
  /** Span objects whose frames are not compressed yet: {@link encodeBatch} turns them into `objects`. */
  pending: PendingObject[];
  /** Span objects ready to PUT; rows point at their frames once these exist. */
  objects: PayloadObject[];
  /** Distinct content-addressed values, by key. */
  blobs: Map<string, BlobToWrite>;
  /** Spans or decisions the mapping could not use (e.g. an unknown outcome), with why. */
  skipped: { spanId: string; reason: string }[];
}

/** An empty batch, to accumulate into. */
export function emptyBatch(): WriteBatch {
  return { runs: [], steps: [], decisions: [], pending: [], objects: [], blobs: new Map(), skipped: [] };
}

/**
 * Compresses the batch's pending span objects (frames in parallel, off the event loop) and sets
 * every row's byte range: rows are ready to insert, objects to PUT.
 */
export async function encodeBatch(batch: WriteBatch): Promise<WriteBatch> {
  const pending = batch.pending.splice(0);
  batch.objects.push(...(await Promise.all(pending.map(encodeObject))));
  return batch;
}

import type { DecisionRow, RunRow, StepRow } from '../rows.js';
import type { PayloadObject } from './lines.js';

/** Everything one batch of spans becomes: rows for the three tables and the payload objects. */
export interface WriteBatch {
  runs: RunRow[];
  steps: StepRow[];
  decisions: DecisionRow[];
  objects: PayloadObject[];
  /** Spans or decisions the mapping could not use (e.g. an unknown outcome), with why. */
  skipped: { spanId: string; reason: string }[];
}

/** An empty batch, to accumulate into. */
export function emptyBatch(): WriteBatch {
  return { runs: [], steps: [], decisions: [], objects: [], skipped: [] };
}

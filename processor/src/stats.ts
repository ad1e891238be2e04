/** Counters a `/metrics` endpoint or a test can read. */
export interface ProcessorStats {
  entries: number;
  spans: number;
  runs: number;
  steps: number;
  decisions: number;
  objects: number;
  /** Distinct payload values stored by content, and those found already stored (deduplicated). */
  blobsStored: number;
  blobsExisting: number;
  deadLettered: number;
  skipped: number;
  writeFailures: number;
  /** Failed writes in a row; 0 after a write succeeds. */
  consecutiveFailures: number;
  trimmed: number;
  /** Completed batch writes (S3 + ClickHouse) and the time they took, for insert latency. */
  writes: number;
  writeMillisTotal: number;
  lastBatchMillis: number;
}

/** All counters at zero. */
export function emptyStats(): ProcessorStats {
  return {
    entries: 0,
    spans: 0,
    runs: 0,
    steps: 0,
    decisions: 0,
    objects: 0,
    blobsStored: 0,
    blobsExisting: 0,
    deadLettered: 0,
    skipped: 0,
    writeFailures: 0,
    consecutiveFailures: 0,
    trimmed: 0,
    writes: 0,
    writeMillisTotal: 0,
    lastBatchMillis: 0,
  };
}

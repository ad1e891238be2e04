/**
 * The points a batch passes between being read and being acknowledged, in order, and the one hook
 * that sees them: a seam for tests (the reliability suite crashes a processor at each stage) and
 * for tracing; production passes none.
 */

/** Where a batch is, in the order it passes: read, payloads in S3, rows in ClickHouse, about to be acknowledged. */
export const PROCESSOR_STAGES = ['after-read', 'after-s3', 'after-clickhouse', 'before-ack'] as const;
export type ProcessorStage = (typeof PROCESSOR_STAGES)[number];

/**
 * Called at each stage of each batch with its stream entry ids, and awaited before the batch goes
 * on. If it throws, the batch fails like a failed write: nothing more is written or acknowledged.
 */
export type StageHook = (stage: ProcessorStage, entryIds: readonly string[]) => void | Promise<void>;

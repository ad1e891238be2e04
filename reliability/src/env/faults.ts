/**
 * The processor's test-only fault injection, as its environment (see processor/src/faults.ts and
 * processor/README.md): the suite sets these on a processor it means to crash or to break.
 */
export const CRASH_STAGES = ['after-read', 'after-s3', 'after-clickhouse', 'before-ack'] as const;
export type CrashStage = (typeof CRASH_STAGES)[number];

/** SIGKILL at `stage` the `afterBatches`-th time a batch reaches it. */
export function crashAt(stage: CrashStage, afterBatches: number): Record<string, string> {
  return { XRAY_FAULT_CRASH_AT: stage, XRAY_FAULT_CRASH_AFTER: String(afterBatches) };
}

/** A deliberately broken processor: acknowledges each batch before writing it. */
export const ACK_BEFORE_WRITE: Record<string, string> = { XRAY_FAULT_ACK_BEFORE_WRITE: '1' };

/** The line the processor prints just before it kills itself at `stage`. */
export function crashLine(stage: CrashStage): string {
  return `fault injection: SIGKILL at ${stage}`;
}

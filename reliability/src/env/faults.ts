/**
 * The processor's test-only faults, owned by the suite (the processor itself has only a stage hook,
 * see processor/src/stages.ts). The suite starts `children/faulty-processor.ts` (the processor's own
 * wiring with {@link faultHook}) with these settings as its environment:
 *
 * - `XRAY_FAULT_CRASH_AT=after-read|after-s3|after-clickhouse|before-ack`: the process kills itself
 *   with SIGKILL (no clean-up, like `kill -9` or a power cut) at that stage of a batch ...
 * - `XRAY_FAULT_CRASH_AFTER=<n>` (default 1): ... the n-th time a batch reaches it.
 * - `XRAY_FAULT_ACK_BEFORE_WRITE=1`: a deliberately broken processor that acknowledges each batch
 *   before writing it, so that a crash loses it (the suite's control that its checker sees loss).
 */
import { fileURLToPath } from 'node:url';
import { integerSetting, readSetting } from '@xray/core/service';
import { PROCESSOR_STAGES, type ProcessorStage, type StageHook } from '@xray/processor';

/** The built faulty processor, started instead of `processor/dist/main.js`. */
export const FAULTY_PROCESSOR = fileURLToPath(new URL('../children/faulty-processor.js', import.meta.url));

/** Environment variables of the faulty processor. */
export const FaultEnv = {
  CRASH_AT: 'XRAY_FAULT_CRASH_AT',
  CRASH_AFTER: 'XRAY_FAULT_CRASH_AFTER',
  ACK_BEFORE_WRITE: 'XRAY_FAULT_ACK_BEFORE_WRITE',
} as const;

export interface FaultSettings {
  crashAt: ProcessorStage | undefined;
  /** The crash happens the n-th time a batch reaches `crashAt` (1 = the first). */
  crashAfter: number;
  ackBeforeWrite: boolean;
}

/** The environment that gives a faulty processor `faults` (the suite's side). */
export function faultEnv(faults: Partial<FaultSettings>): Record<string, string> {
  const env: Record<string, string> = {};
  if (faults.crashAt) env[FaultEnv.CRASH_AT] = faults.crashAt;
  if (faults.crashAfter !== undefined) env[FaultEnv.CRASH_AFTER] = String(faults.crashAfter);
  if (faults.ackBeforeWrite) env[FaultEnv.ACK_BEFORE_WRITE] = '1';
  return env;
}

/** The fault settings in `env` (the faulty processor's side), or undefined when none is set; throws naming a bad variable. */
export function readFaultSettings(env: Readonly<Record<string, string | undefined>>): FaultSettings | undefined {
  const at = env[FaultEnv.CRASH_AT]?.trim() || undefined;
  const ack = env[FaultEnv.ACK_BEFORE_WRITE]?.trim() || undefined;
  if (at === undefined && ack === undefined) return undefined;
  if (at !== undefined && !(PROCESSOR_STAGES as readonly string[]).includes(at)) {
    throw new Error(`${FaultEnv.CRASH_AT} must be one of ${PROCESSOR_STAGES.join(', ')}, got ${JSON.stringify(at)}`);
  }
  if (ack !== undefined && ack !== '0' && ack !== '1')
    throw new Error(`${FaultEnv.ACK_BEFORE_WRITE} must be 0 or 1, got ${JSON.stringify(ack)}`);
  return {
    crashAt: at as ProcessorStage | undefined,
    crashAfter: readSetting(env, integerSetting(FaultEnv.CRASH_AFTER, 1, 1)),
    ackBeforeWrite: ack === '1',
  };
}

/** A one-line description for the process log, so nobody mistakes a faulty processor for a real one. */
export function describeFaults(s: FaultSettings): string {
  const parts = [
    s.crashAt ? `SIGKILL at ${s.crashAt} of batch ${s.crashAfter}` : '',
    s.ackBeforeWrite ? 'acknowledge BEFORE writing' : '',
  ];
  return `TEST-ONLY fault injection active: ${parts.filter(Boolean).join('; ')}`;
}

/** What the faulty processor does to itself: die at once, and acknowledge entries (its own Redis client). */
export interface FaultActions {
  /** `why` is the line to print first, {@link crashLine} and the batch. */
  kill(why: string): void;
  ack(entryIds: readonly string[]): Promise<void>;
}

/**
 * The processor's stage hook that injects `faults` (none when undefined): acknowledges each batch
 * as soon as it is read if asked to, and kills the process the n-th time a batch reaches the stage.
 */
export function faultHook(faults: FaultSettings | undefined, act: FaultActions): StageHook {
  const reached = new Map<ProcessorStage, number>();
  return async (stage, entryIds) => {
    if (!faults) return;
    if (faults.ackBeforeWrite && stage === 'after-read') await act.ack(entryIds);
    if (faults.crashAt !== stage) return;
    const n = (reached.get(stage) ?? 0) + 1;
    reached.set(stage, n);
    if (n === faults.crashAfter) act.kill(`${crashLine(stage)} of batch ${n}`);
  };
}

/** The line the faulty processor prints just before it kills itself at `stage`. */
export function crashLine(stage: ProcessorStage): string {
  return `fault injection: SIGKILL at ${stage}`;
}

/**
 * TEST-ONLY FAULT INJECTION, for the reliability suite (`reliability/`). Off unless one of the
 * `XRAY_FAULT_*` variables is set; never set them in production.
 *
 * - `XRAY_FAULT_CRASH_AT=after-read|after-s3|after-clickhouse|before-ack`: the process kills itself
 *   with SIGKILL (no clean-up, like `kill -9` or a power cut) at that point of a batch ...
 * - `XRAY_FAULT_CRASH_AFTER=<n>` (default 1): ... the n-th time a batch reaches it.
 * - `XRAY_FAULT_ACK_BEFORE_WRITE=1`: a deliberately broken processor that acknowledges entries
 *   before writing them, so that a crash loses them (the suite's control that its checker sees loss).
 *
 * The processor loop calls {@link faultPoint} and {@link faultAckBeforeWrite}; both do nothing
 * until main.ts has called {@link installFaults} with settings read by {@link readFaultSettings}.
 */
import { readInteger } from '@xray/core/service';

/** Where in a batch a crash can be injected, in the order a batch passes them. */
export const CRASH_STAGES = ['after-read', 'after-s3', 'after-clickhouse', 'before-ack'] as const;
export type CrashStage = (typeof CRASH_STAGES)[number];

/** Environment variables of the test-only fault injection. */
export const FAULT_ENV = {
  CRASH_AT: 'XRAY_FAULT_CRASH_AT',
  CRASH_AFTER: 'XRAY_FAULT_CRASH_AFTER',
  ACK_BEFORE_WRITE: 'XRAY_FAULT_ACK_BEFORE_WRITE',
} as const;

export interface FaultSettings {
  crashAt: CrashStage | undefined;
  /** The crash happens the n-th time a batch reaches `crashAt` (1 = the first). */
  crashAfter: number;
  ackBeforeWrite: boolean;
}

/** The fault settings in `env`, or undefined when none is set; throws naming a bad variable. */
export function readFaultSettings(env: Readonly<Record<string, string | undefined>>): FaultSettings | undefined {
  const at = env[FAULT_ENV.CRASH_AT]?.trim() || undefined;
  const ack = env[FAULT_ENV.ACK_BEFORE_WRITE]?.trim() || undefined;
  if (at === undefined && ack === undefined) return undefined;
  if (at !== undefined && !(CRASH_STAGES as readonly string[]).includes(at)) {
    throw new Error(`${FAULT_ENV.CRASH_AT} must be one of ${CRASH_STAGES.join(', ')}, got ${JSON.stringify(at)}`);
  }
  if (ack !== undefined && ack !== '0' && ack !== '1')
    throw new Error(`${FAULT_ENV.ACK_BEFORE_WRITE} must be 0 or 1, got ${JSON.stringify(ack)}`);
  return {
    crashAt: at as CrashStage | undefined,
    crashAfter: readInteger(env, FAULT_ENV.CRASH_AFTER, 1, 1),
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

let active: FaultSettings | undefined;
let killProcess: (why: string) => void = (why) => {
  // Pipes to the parent are written synchronously on Linux, so this line is not lost with the process.
  process.stdout.write(`fault injection: ${why}\n`);
  process.kill(process.pid, 'SIGKILL');
};
const reached = new Map<CrashStage, number>();

/** Activates the faults (main.ts, from the environment); `kill` is replaceable for unit tests. */
export function installFaults(settings: FaultSettings | undefined, kill?: (why: string) => void): void {
  active = settings;
  reached.clear();
  if (kill) killProcess = kill;
}

/** A crash point in the batch pipeline: kills the process when the configured stage and count are reached. */
export function faultPoint(stage: CrashStage): void {
  if (active?.crashAt !== stage) return;
  const n = (reached.get(stage) ?? 0) + 1;
  reached.set(stage, n);
  if (n === active.crashAfter) killProcess(`SIGKILL at ${stage} of batch ${n}`);
}

/** The deliberately broken processor: acknowledges the batch before anything is written. */
export async function faultAckBeforeWrite(ack: () => Promise<void>): Promise<void> {
  if (active?.ackBeforeWrite) await ack();
}

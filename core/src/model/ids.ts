/** Identifier formats shared by every component. */

/** Run ids are the run span's trace id: 32 lowercase hex characters. */
export const RUN_ID_RE = /^[0-9a-f]{32}$/;
/** Step ids are the step span's span id: 16 lowercase hex characters. */
export const STEP_ID_RE = /^[0-9a-f]{16}$/;
/** Project ids: lowercase, safe in S3 keys and URLs. */
export const PROJECT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const EVENT_ID_RE = /^([0-9a-f]{16})-(\d{1,10})$/;

/** A decision's id: its step and its sequence number within the step, e.g. `a1b2c3d4e5f60718-137`. */
export function formatEventId(stepId: string, seq: number): string {
  return `${stepId}-${seq}`;
}

/** Splits a decision id into its step id and sequence number; `undefined` when malformed. */
export function parseEventId(eventId: string): { stepId: string; seq: number } | undefined {
  const match = EVENT_ID_RE.exec(eventId);
  if (!match) return undefined;
  const seq = Number(match[2]);
  return seq <= 0xffffffff ? { stepId: match[1]!, seq } : undefined;
}

import type { XSpan } from './span.js';

/** Version of the queue message layout; bumped on incompatible change. */
export const QUEUE_MESSAGE_VERSION = 1;
/** The single field of a stream entry that holds the JSON message. */
export const QUEUE_FIELD = 'm';

/** The stream beside `stream` that holds entries the processor gave up on, with why. */
export function deadLetterStream(stream: string): string {
  return `${stream}:dead`;
}
/** Fields of a dead-letter entry: the original entry id, the error, and the original message. */
export const DEAD_LETTER_FIELDS = { ID: 'id', ERROR: 'error', MESSAGE: QUEUE_FIELD } as const;

/** One Redis Stream entry: the X-Ray spans of one accepted OTLP request. */
export interface QueueMessage {
  v: typeof QUEUE_MESSAGE_VERSION;
  /** Project the spans belong to, taken from the request's credentials, never from the payload. */
  projectId: string;
  /** When the receiver accepted the request (ms since epoch). */
  receivedAt: number;
  spans: XSpan[];
}

/** Serialises a message for XADD. */
export function encodeQueueMessage(message: QueueMessage): string {
  return JSON.stringify(message);
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses and checks a stream entry's message; a value, never a throw. */
export function decodeQueueMessage(raw: string): DecodeResult<QueueMessage> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `queue message is not JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, error: 'queue message is not an object' };
  const m = parsed as Partial<QueueMessage>;
  if (m.v !== QUEUE_MESSAGE_VERSION) return { ok: false, error: `unsupported queue message version ${String(m.v)}` };
  if (typeof m.projectId !== 'string' || m.projectId === '') return { ok: false, error: 'queue message has no projectId' };
  if (typeof m.receivedAt !== 'number') return { ok: false, error: 'queue message has no receivedAt' };
  if (!Array.isArray(m.spans)) return { ok: false, error: 'queue message has no spans array' };
  return { ok: true, value: m as QueueMessage };
}

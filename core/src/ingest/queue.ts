/**
 * The queue message: one Redis Stream entry per accepted OTLP request, written by the receiver and
 * read by the processor. This file is the whole contract, every version the processor still reads.
 *
 * Version 2 (current) carries the request body itself, decompressed but otherwise as received, in a
 * binary field beside a few small text fields. The receiver only checks the body
 * (`checkOtlp`); the processor decodes the same bytes with the same decoder (`decodeOtlp`), whose
 * checks are the same code, so it keeps exactly the spans the receiver accepted. This spares the
 * receiver building spans and serialising them (half its time, measured, in version 1).
 *
 * Version 1 carried the decoded spans as one JSON field. It is still read, for entries written
 * before an upgrade.
 */
import { Buffer } from 'node:buffer';
import type { XSpan } from '../model/span.js';
import { decodeOtlp } from '../otlp/decode.js';
import { OTLP_CONTENT_TYPES, type OtlpFormat } from '../otlp/response.js';
import type { DecodeResult } from '../otlp/result.js';

/** Version of the queue message layout; bumped on incompatible change. */
export const QUEUE_MESSAGE_VERSION = 2;

/** Fields of a version 2 entry. Text, except the body. */
export const QueueFields = {
  /** `2`. */
  VERSION: 'v',
  /** Project id. */
  PROJECT_ID: 'p',
  /** `protobuf` or `json`: the body's OTLP encoding. */
  FORMAT: 'f',
  /** When the receiver accepted the request, ms since the epoch, decimal. */
  RECEIVED_AT: 't',
  /** How many X-Ray spans the receiver accepted from the body, decimal: the processor's decode must agree. */
  ACCEPTED_SPANS: 'n',
  /** The request body, decompressed, binary. */
  BODY: 'b',
} as const;

/** The single field of a version 1 entry: the message as JSON, spans decoded. */
export const QUEUE_FIELD_V1 = 'm';

/** One accepted OTLP request, as the receiver enqueues it (version 2). */
export interface QueueMessage {
  v: typeof QUEUE_MESSAGE_VERSION;
  /** Project the spans belong to, taken from the request's credentials, never from the payload. */
  projectId: string;
  /** When the receiver accepted the request (ms since epoch). */
  receivedAt: number;
  /** The body's OTLP encoding. */
  format: OtlpFormat;
  /** X-Ray spans the receiver accepted from the body (`checkOtlp`'s `acceptedSpans`). */
  acceptedSpans: number;
  /** The request body, decompressed. */
  body: Uint8Array;
}

/** A version 1 message: the spans already decoded. Only read now; written by tests. */
export interface QueueMessageV1 {
  v: 1;
  projectId: string;
  receivedAt: number;
  spans: XSpan[];
}

/** What the processor needs from an entry of any version. */
export interface QueuedSpans {
  /** The entry's version. */
  v: 1 | 2;
  projectId: string;
  receivedAt: number;
  /** The accepted X-Ray spans, in request order. */
  spans: XSpan[];
}

/** An entry's fields by name, as read from the stream (values as bytes). */
export type QueueEntryFields = ReadonlyMap<string, Uint8Array>;

/** The field-value list to XADD for a message (the body as a Buffer, so it is sent as bytes). */
export function encodeQueueEntry(message: QueueMessage): (string | Buffer)[] {
  const { body } = message;
  const F = QueueFields;
  return [
    F.VERSION,
    String(message.v),
    F.PROJECT_ID,
    message.projectId,
    F.FORMAT,
    message.format,
    F.RECEIVED_AT,
    String(message.receivedAt),
    F.ACCEPTED_SPANS,
    String(message.acceptedSpans),
    F.BODY,
    Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  ];
}

/**
 * Reads an entry of any version: checks its fields and, for version 2, decodes its body with the
 * receiver's decoder. An entry that is not a message, whose body does not decode, or whose decode
 * does not give the spans the receiver accepted is an error value, never a throw.
 */
export function decodeQueueEntry(fields: QueueEntryFields): DecodeResult<QueuedSpans> {
  const F = QueueFields;
  const version = fields.get(F.VERSION);
  if (version === undefined) {
    const v1 = fields.get(QUEUE_FIELD_V1);
    if (v1 === undefined)
      return {
        ok: false,
        error: `entry has neither a "${F.VERSION}" nor a "${QUEUE_FIELD_V1}" field: not a queue message`,
      };
    return decodeQueueMessageV1(text(v1));
  }
  if (text(version) !== String(QUEUE_MESSAGE_VERSION))
    return { ok: false, error: `unsupported queue message version ${JSON.stringify(text(version))}` };
  const projectId = text(fields.get(F.PROJECT_ID));
  if (projectId === '') return { ok: false, error: 'queue message has no project id' };
  const format = text(fields.get(F.FORMAT));
  if (!Object.hasOwn(OTLP_CONTENT_TYPES, format))
    return { ok: false, error: `queue message has an unknown format ${JSON.stringify(format)}` };
  const receivedAt = decimal(fields.get(F.RECEIVED_AT));
  if (receivedAt === undefined) return { ok: false, error: 'queue message has no receivedAt' };
  const accepted = decimal(fields.get(F.ACCEPTED_SPANS));
  if (accepted === undefined) return { ok: false, error: 'queue message has no accepted span count' };
  const body = fields.get(F.BODY);
  if (body === undefined) return { ok: false, error: 'queue message has no body' };
  const decoded = decodeOtlp(format as OtlpFormat, body);
  if (!decoded.ok) return { ok: false, error: `queue message body does not decode: ${decoded.error}` };
  const { spans } = decoded.value;
  if (spans.length !== accepted) {
    // Only a receiver and processor whose checks differ get here: keep the entry for a look.
    return {
      ok: false,
      error: `queue message body decodes to ${spans.length} X-Ray spans, the receiver accepted ${accepted}`,
    };
  }
  return { ok: true, value: { v: 2, projectId, receivedAt, spans } };
}

/** Parses and checks a version 1 message (JSON); a value, never a throw. */
export function decodeQueueMessageV1(raw: string): DecodeResult<QueuedSpans> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `queue message is not JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, error: 'queue message is not an object' };
  const m = parsed as Partial<QueueMessageV1>;
  if (m.v !== 1) return { ok: false, error: `unsupported queue message version ${String(m.v)}` };
  if (typeof m.projectId !== 'string' || m.projectId === '')
    return { ok: false, error: 'queue message has no projectId' };
  if (typeof m.receivedAt !== 'number') return { ok: false, error: 'queue message has no receivedAt' };
  if (!Array.isArray(m.spans)) return { ok: false, error: 'queue message has no spans array' };
  return { ok: true, value: { v: 1, projectId: m.projectId, receivedAt: m.receivedAt, spans: m.spans } };
}

/** A small text field's value ('' when absent). */
function text(value: Uint8Array | undefined): string {
  return value === undefined ? '' : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}

/** A non-negative integer field, or undefined. */
function decimal(value: Uint8Array | undefined): number | undefined {
  const s = text(value);
  return /^\d{1,15}$/.test(s) ? Number(s) : undefined;
}

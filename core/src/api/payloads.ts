/**
 * Where a record's payload values (input, output, metadata) stand: inline in the span, stored by
 * reference and returned whole or in part, missing from storage (or removed by X-Ray: expired under
 * the project's retention, or deleted with its run), or cut by the SDK at its cap. Part
 * of `GET /v1/decisions/{eventId}` and of the run and step payload answers, as `payloads`.
 */
import { DEFAULT_MAX_PAYLOAD_BYTES, TRUNCATED_KEY, TruncationReasons, type TruncationReason } from '@xray/otel';
import { z } from 'zod';

/** How a payload value was stored, and so how much of it an answer holds. */
export const PayloadStates = {
  /** It rode in the span: the value is in the answer. */
  INLINE: 'inline',
  /** Stored by reference and returned whole in the answer (at most {@link WHOLE_PAYLOAD_MAX_BYTES}). */
  WHOLE: 'whole',
  /** Stored by reference and larger: the answer holds its first bytes (`head`) and where to `download` it. */
  PARTIAL: 'partial',
  /** Stored by reference, but its bytes are not in storage (and X-Ray did not remove them on purpose). */
  MISSING: 'missing',
  /** Stored by reference on a day that has passed the project's retention: removed, or about to be. */
  EXPIRED: 'expired',
  /** Stored by reference for a run that was deleted (DELETE /v1/runs/{runId}). */
  DELETED: 'deleted',
  /** The SDK's over-cap marker stands in for the value. */
  TRUNCATED: 'truncated',
} as const;
export type PayloadState = (typeof PayloadStates)[keyof typeof PayloadStates];

/** Values stored by reference up to this size (their JSON, in bytes) are returned whole. */
export const WHOLE_PAYLOAD_MAX_BYTES = 1024 * 1024;
/** How much of a larger value's JSON an answer holds (`head`), in bytes, cut on a character boundary. */
export const PAYLOAD_HEAD_BYTES = 64 * 1024;

/** Where the whole of a value stored by reference can be downloaded, under the query API's origin. */
export function payloadDownloadPath(day: string, sha256: string): string {
  return `/v1/payloads/${day}/${sha256}`;
}

export const MISSING_PAYLOAD_MESSAGE =
  "The SDK did not upload this payload (it may have been dropped: see the SDK's droppedPayloads stat) or it expired.";

/** The message of an {@link PayloadStates.EXPIRED} value stored on `day`. */
export function expiredPayloadMessage(day: string, retentionDays: number): string {
  return `This payload was stored on ${day} and expired after the project's ${retentionDays}-day retention; a longer retention (xray set retention) keeps later ones longer.`;
}

export const DELETED_PAYLOAD_MESSAGE = "This payload's run was deleted, and its payloads with it.";

export const TRUNCATED_PAYLOAD_MESSAGE = `The value was over the SDK's payload cap (its maxPayloadBytes option; ${DEFAULT_MAX_PAYLOAD_BYTES / (1024 * 1024)} MiB by default), so the SDK kept only a marker with a preview of its first bytes.`;

/** Why a value under the cap became a marker, by the marker's `reason`. */
export const TRUNCATION_REASON_MESSAGES: Readonly<Record<TruncationReason, string>> = {
  [TruncationReasons.QUEUE_FULL]:
    "The SDK had no room in its queue to hold this value until it was uploaded (the receiver was slow or unreachable), so it kept only a preview; see the SDK's droppedPayloads stat and maxQueueBytes option.",
  [TruncationReasons.SHUTDOWN]: 'The SDK was shutting down when this value was recorded, so it kept only a preview.',
};

export const PayloadInfo = z
  .object({
    state: z.enum(PayloadStates).describe('inline, whole, partial, missing, expired, deleted or truncated'),
    bytes: z
      .number()
      .describe(
        "Size of the value's JSON in bytes (UTF-8); for a truncated value, its size before the cut when known."
      ),
    sha256: z.string().optional().describe("Hex SHA-256 of the value's JSON, for a value stored by reference."),
    head: z
      .string()
      .optional()
      .describe(
        `A partial value: the first ${PAYLOAD_HEAD_BYTES / 1024} KiB of its JSON, cut on a character boundary.`
      ),
    download: z
      .string()
      .optional()
      .describe('A value stored by reference: the path (GET, same read key) that streams its whole JSON.'),
    message: z.string().optional().describe('Why a value is missing, expired, deleted or truncated, as a sentence.'),
  })
  .meta({ id: 'PayloadInfo', description: 'Where one payload value stands and how much of it the answer holds.' });
export type PayloadInfo = z.infer<typeof PayloadInfo>;

/** One entry per payload field the record has. */
export const PayloadInfos = z
  .object({ input: PayloadInfo.optional(), output: PayloadInfo.optional(), metadata: PayloadInfo.optional() })
  .meta({
    id: 'PayloadInfos',
    description:
      'Where each payload value of the record stands: one entry per field it has. A partial, missing, expired or deleted value is absent from the answer; its entry says why. (On a decision, absent when the record itself is not in storage.)',
  });
export type PayloadInfos = z.infer<typeof PayloadInfos>;

/** The SDK's marker for a value over its cap: `{"_xray_truncated":true,"originalBytes":N,"preview":"…"}`. */
export function isTruncatedMarker(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[TRUNCATED_KEY] === true;
}

/** Size of a value's JSON in bytes (UTF-8). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

/** The state of a value that is in hand (inline, or read whole): truncated when it is the SDK's marker. */
export function valueInfo(value: unknown, state: 'inline' | 'whole', bytes = jsonBytes(value)): PayloadInfo {
  if (!isTruncatedMarker(value)) return { state, bytes };
  const original = value.originalBytes;
  return {
    state: PayloadStates.TRUNCATED,
    bytes: typeof original === 'number' && Number.isFinite(original) ? original : bytes,
    message: TRUNCATION_REASON_MESSAGES[value.reason as TruncationReason] ?? TRUNCATED_PAYLOAD_MESSAGE,
  };
}

/** The first `maxBytes` of UTF-8 text, never splitting a character. */
export function utf8Head(bytes: Uint8Array, maxBytes: number): string {
  let end = Math.min(bytes.length, maxBytes);
  // A continuation byte (10xxxxxx) at the cut belongs to a character that started before it.
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

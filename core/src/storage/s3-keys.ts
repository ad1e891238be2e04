import { nanosToMillis } from '../model/time.js';

/**
 * Where a span's payloads live in S3: one JSON Lines object per span, at a key derived only from
 * the span itself, so a re-delivered span overwrites the same object instead of adding one.
 * `<project>/payloads/YYYY/MM/DD/<runId>/<spanId>.jsonl`, dated by the span's start time (UTC).
 */
export function payloadKey(projectId: string, runId: string, spanId: string, startTimeUnixNano: string): string {
  const date = new Date(nanosToMillis(startTimeUnixNano));
  const yyyy = String(date.getUTCFullYear()).padStart(4, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return `${projectId}/payloads/${yyyy}/${mm}/${dd}/${runId}/${spanId}.jsonl`;
}

/** HTTP Range header value for one record of a payload object. */
export function byteRange(offset: number, length: number): string {
  return `bytes=${offset}-${offset + length - 1}`;
}

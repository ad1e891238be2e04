import type { PayloadRef } from '@xray/otel';
import { nanosToMillis } from '../model/time.js';
import { COMPRESSED_SUFFIX } from './payloads/codec.js';

/**
 * Where payloads live in S3. Everything of one project and UTC day is under one prefix,
 * `<project>/payloads/YYYY/MM/DD/`, so retention can delete a day by prefix:
 * - one object per span, `<runId>/<spanId>.jsonl.br`, its records in compressed frames, at a key
 *   derived only from the span, so a re-delivered span overwrites the same object;
 * - one object per distinct large value, `sha256/<hex>.json.br`, content-addressed: the same bytes
 *   in one project and day are stored once, whichever run, step or decision they belong to.
 * Objects written before compression (`<spanId>.jsonl`, raw) keep their keys and stay readable.
 */
export function payloadKey(projectId: string, runId: string, spanId: string, startTimeUnixNano: string): string {
  return `${dayPrefix(projectId, dayOf(startTimeUnixNano))}${runId}/${spanId}.jsonl${COMPRESSED_SUFFIX}`;
}

/** The UTC day (`YYYY-MM-DD`) of a time in nanoseconds: the day its payloads are stored and expire under. */
export function dayOf(unixNano: string): string {
  const date = new Date(nanosToMillis(unixNano));
  const yyyy = String(date.getUTCFullYear()).padStart(4, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}`;
}

/** The key of a content-addressed value; only ever under the project's own prefix. */
export function blobKey(projectId: string, ref: Pick<PayloadRef, 'day' | 'sha256'>): string {
  return `${dayPrefix(projectId, ref.day)}sha256/${ref.sha256}.json${COMPRESSED_SUFFIX}`;
}

/** `<project>/payloads/YYYY/MM/DD/` for a day written `YYYY-MM-DD`. */
export function dayPrefix(projectId: string, day: string): string {
  return `${projectId}/payloads/${day.replaceAll('-', '/')}/`;
}

/** S3 user metadata of a blob: the size of the value's JSON before compression. */
export const BLOB_BYTES_METADATA = 'xray-bytes';

/** HTTP Range header value for one frame (or, in raw objects, one record) of a payload object. */
export function byteRange(offset: number, length: number): string {
  return `bytes=${offset}-${offset + length - 1}`;
}

/**
 * A record's payload values, resolved: each value inline in the record is answered as it is; each
 * value stored by reference (the record's `refs`) is read from its content-addressed object, whole
 * up to WHOLE_PAYLOAD_MAX_BYTES, else its head and where to download it. `payloads` says which, and
 * why a value is not in storage: expired under the project's retention, deleted with its run, or missing.
 */
import type { Readable } from 'node:stream';
import {
  MISSING_PAYLOAD_MESSAGE,
  PAYLOAD_HEAD_BYTES,
  payloadDownloadPath,
  type PayloadInfo,
  type PayloadInfos,
  PayloadStates,
  utf8Head,
  valueInfo,
  WHOLE_PAYLOAD_MAX_BYTES,
} from '@xray/core/api';
import { blobKey } from '@xray/core/storage';
import { type PayloadRef, parsePayloadRef } from '@xray/otel';
import type { PayloadScope } from './http.js';
import type { PayloadReader } from './store.js';

export type PayloadField = keyof PayloadInfos;

/** The payload fields of each kind of record. */
export const DECISION_PAYLOAD_FIELDS: readonly PayloadField[] = ['input', 'output', 'metadata'];
export const SPAN_PAYLOAD_FIELDS: readonly PayloadField[] = ['input', 'output'];

/** Reads a stream up to just past `max` bytes; `complete` when it ended within them. Stops it when cut. */
export async function readUpTo(body: Readable, max: number): Promise<{ bytes: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    // Leaving the loop destroys the stream: the rest is never downloaded.
    if (length > max) return { bytes: Buffer.concat(chunks, length), complete: false };
  }
  return { bytes: Buffer.concat(chunks, length), complete: true };
}

/** A value's JSON as the value; text that is not JSON stays text (as the mapping keeps it inline). */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface Resolved {
  info: PayloadInfo;
  /** The value, when the answer holds it (absent for partial, missing, expired and deleted values). */
  value?: unknown;
}

/** A value stored by reference, read under the project's own prefix only. */
async function byReference(payloads: PayloadReader, scope: PayloadScope, ref: PayloadRef): Promise<Resolved> {
  const stored = await payloads.value(blobKey(scope.projectId, ref));
  if (!stored) {
    const removal = await scope.removal(ref.day);
    return {
      info: {
        state: removal?.state ?? PayloadStates.MISSING,
        bytes: ref.bytes,
        sha256: ref.sha256,
        message: removal?.message ?? MISSING_PAYLOAD_MESSAGE,
      },
    };
  }
  const where = { sha256: ref.sha256, download: payloadDownloadPath(ref.day, ref.sha256) };
  const read = await readUpTo(
    stored.body,
    ref.bytes <= WHOLE_PAYLOAD_MAX_BYTES ? WHOLE_PAYLOAD_MAX_BYTES : PAYLOAD_HEAD_BYTES
  );
  if (read.complete) {
    const value = parseValue(read.bytes.toString('utf8'));
    return { info: { ...valueInfo(value, PayloadStates.WHOLE, read.bytes.length), ...where }, value };
  }
  return {
    info: {
      state: PayloadStates.PARTIAL,
      bytes: stored.bytes ?? ref.bytes,
      ...where,
      head: utf8Head(read.bytes, PAYLOAD_HEAD_BYTES),
    },
  };
}

/**
 * The record with its payload `fields` resolved and `payloads` added (one entry per field it has);
 * its `refs` are replaced by those entries. A partial, missing, expired or deleted value's field is absent.
 */
export async function resolvePayloads(
  payloads: PayloadReader,
  scope: PayloadScope,
  record: Record<string, unknown>,
  fields: readonly PayloadField[]
): Promise<Record<string, unknown> & { payloads: PayloadInfos }> {
  const { refs, ...answer } = record;
  const refOf = (field: PayloadField) => (refs as Record<string, unknown> | undefined)?.[field];
  const infos: PayloadInfos = {};
  await Promise.all(
    fields.map(async (field) => {
      if (refOf(field) !== undefined) {
        const ref = parsePayloadRef(refOf(field));
        const resolved: Resolved = ref
          ? await byReference(payloads, scope, ref)
          : {
              info: {
                state: PayloadStates.MISSING,
                bytes: 0,
                message: `The record's reference ${JSON.stringify(refOf(field))} is not one X-Ray wrote.`,
              },
            };
        infos[field] = resolved.info;
        if ('value' in resolved) answer[field] = resolved.value;
        else delete answer[field];
      } else if (answer[field] !== undefined) {
        infos[field] = valueInfo(answer[field], PayloadStates.INLINE);
      }
    })
  );
  // Entries in field order, whichever read finished first.
  const ordered: PayloadInfos = {};
  for (const field of fields) if (infos[field]) ordered[field] = infos[field];
  return { ...answer, payloads: ordered };
}

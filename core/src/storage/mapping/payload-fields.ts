import * as C from '@xray/otel';
import { createHash } from 'node:crypto';
import type { AttrValue, Attributes } from '../../model/span.js';
import { blobKey } from '../s3-keys.js';
import { json } from './read.js';

/**
 * Inline payload values at least this long (UTF-8 bytes of their JSON) are stored by content, once
 * per project and day, like the values the SDK uploads by reference: the same document seen by
 * four steps, or by every run of a day, is one object. Shorter values stay in their span's frames,
 * where compression already makes repeats cheap and a PUT per value would cost more than it saves.
 */
export const DEDUP_MIN_BYTES = 2048;

/** A distinct value to store at its content-addressed key (compressed when written). */
export interface BlobToWrite {
  key: string;
  /** The value's JSON exactly as it arrived. */
  text: string;
  bytes: number;
}

/** The payload fields of one record: values inline, and `refs` for the values stored by content. */
export interface RecordPayloads {
  values: Record<string, AttrValue | undefined>;
  refs?: Record<string, string>;
  /** Reference attributes that did not hold a reference, for the skipped list. */
  invalid: string[];
}

/**
 * Reads the payload attributes `fields` (record field name -> payload attribute) of a span or event.
 * A reference attribute (`*_ref`) is kept as the record's reference; a long inline value becomes a
 * reference too, its bytes added to `blobs` (keyed, so a batch writes each once); a short one is parsed.
 */
export function recordPayloads(
  projectId: string,
  attrs: Attributes,
  fields: Readonly<Record<string, C.PayloadAttribute>>,
  day: string,
  blobs: Map<string, BlobToWrite>
): RecordPayloads {
  const out: RecordPayloads = { values: {}, invalid: [] };
  for (const [field, attr] of Object.entries(fields)) {
    const refAttr = C.PAYLOAD_REF_ATTRIBUTES[attr];
    if (refAttr in attrs) {
      const ref = C.parsePayloadRef(attrs[refAttr]);
      if (ref) (out.refs ??= {})[field] = C.formatPayloadRef(ref);
      else out.invalid.push(`${refAttr} is not a payload reference <YYYY-MM-DD>/<sha256>/<bytes>`);
      continue;
    }
    const value = attrs[attr];
    if (typeof value === 'string' && value.length * 3 >= DEDUP_MIN_BYTES) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes >= DEDUP_MIN_BYTES) {
        const ref = { day, sha256: createHash('sha256').update(value, 'utf8').digest('hex'), bytes };
        const key = blobKey(projectId, ref);
        if (!blobs.has(key)) blobs.set(key, { key, text: value, bytes });
        (out.refs ??= {})[field] = C.formatPayloadRef(ref);
        continue;
      }
    }
    out.values[field] = json(attrs, attr);
  }
  return out;
}

import { decompressPayload, decompressPayloadSync, isCompressedKey } from './codec.js';

/**
 * Which record of a frame a row points at. Records are written with their identity first
 * (mapping/*.ts), so the record is found by its line's prefix and only that line is parsed.
 */
export type RecordIdentity = { eventId: string } | { kind: 'run' | 'step' };

function prefixOf(identity: RecordIdentity): string {
  return 'eventId' in identity
    ? `{"eventId":${JSON.stringify(identity.eventId)},`
    : `{"kind":${JSON.stringify(identity.kind)},`;
}

/**
 * The record in the bytes of a row's range: in a compressed object the range is a frame, decompressed
 * and searched; in an object written raw (before frames) the range is the record itself.
 */
export async function recordInRange(
  key: string,
  bytes: Buffer,
  identity: RecordIdentity
): Promise<Record<string, unknown> | undefined> {
  if (!isCompressedKey(key)) return rawRecord(bytes);
  return recordInFrame((await decompressPayload(bytes)).toString('utf8'), identity);
}

/** {@link recordInRange} on the calling thread, for checkers that read many small frames in a loop. */
export function recordInRangeSync(
  key: string,
  bytes: Buffer,
  identity: RecordIdentity
): Record<string, unknown> | undefined {
  if (!isCompressedKey(key)) return rawRecord(bytes);
  return recordInFrame(decompressPayloadSync(bytes).toString('utf8'), identity);
}

function rawRecord(bytes: Buffer): Record<string, unknown> | undefined {
  return bytes.length > 0 ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : undefined;
}

/** The record of a decompressed frame with this identity; only its line is parsed. */
function recordInFrame(text: string, identity: RecordIdentity): Record<string, unknown> | undefined {
  const prefix = prefixOf(identity);
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (text.startsWith(prefix, start)) return JSON.parse(text.slice(start, stop)) as Record<string, unknown>;
    start = stop + 1;
  }
  return undefined;
}

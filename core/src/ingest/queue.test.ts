// The queue message contract: what the receiver writes (version 2) and everything the processor
// still reads (version 2 and version 1), as the field map a stream read gives.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { XSpan } from '../model/span.js';
import { decodeOtlpJson } from '../otlp/json.js';
import { encodeOtlpJson } from '../testing/otlp-json.js';
import { encodeQueueMessageV1 } from '../testing/queue-v1.js';
import {
  QueueFields,
  QUEUE_FIELD_V1,
  QUEUE_MESSAGE_VERSION,
  decodeQueueEntry,
  encodeQueueEntry,
  type QueueMessage,
} from './queue.js';

const span = (spanId: string, attributes: XSpan['attributes'] = {}): XSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId,
  parentSpanId: '',
  name: 'run',
  startTimeUnixNano: '1700000000000000001',
  endTimeUnixNano: '1700000000000000002',
  attributes: { 'xray.span.kind': 'run', ...attributes },
  events: [
    {
      timeUnixNano: '1700000000000000001',
      name: 'xray.decision',
      attributes: { score: 0.5, n: 3, big: '9007199254740993', ok: true, none: null, list: ['a', 1], map: { k: 'v' } },
    },
  ],
  status: { code: 2, message: 'boom' },
});
const spans = [span('b7ad6b7169203331'), span('b7ad6b7169203332', { tags: ['x'] })];
const body = Buffer.from(encodeOtlpJson(spans));
const message: QueueMessage = {
  v: QUEUE_MESSAGE_VERSION,
  projectId: 'p1',
  receivedAt: 1_700_000_000_123,
  format: 'json',
  acceptedSpans: 2,
  body,
};

/** The entry as the processor reads it back from the stream. */
function asRead(fields: (string | Buffer)[]): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (let i = 0; i < fields.length; i += 2) map.set(String(fields[i]), Buffer.from(fields[i + 1]!));
  return map;
}

describe('queue message version 2', () => {
  it('holds the body as bytes beside small text fields', () => {
    const fields = encodeQueueEntry(message);
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(Object.values(QueueFields));
    expect(fields.slice(0, -1).filter((_, i) => i % 2 === 1)).toEqual(['2', 'p1', 'json', '1700000000123', '2']);
    expect(fields.at(-1)).toBe(body); // not copied
  });

  it('decodes to the spans of its body, as the receiver checked them', () => {
    expect(decodeQueueEntry(asRead(encodeQueueEntry(message)))).toEqual({
      ok: true,
      value: { v: 2, projectId: 'p1', receivedAt: 1_700_000_000_123, spans },
    });
  });

  it('keeps only the spans the receiver accepted: the same decoder drops the same spans', () => {
    const other = JSON.parse(encodeOtlpJson([span('0000000000000000')])) as {
      resourceSpans: { scopeSpans: { spans: object[] }[] }[];
    };
    const mixed = JSON.parse(body.toString()) as typeof other;
    mixed.resourceSpans[0]!.scopeSpans[0]!.spans.push(other.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, {
      name: 'not X-Ray',
    });
    const text = JSON.stringify(mixed);
    expect(decodeOtlpJson(text)).toMatchObject({
      ok: true,
      value: { acceptedSpans: 2, ignoredSpans: 1, rejected: [{ spanId: '0000000000000000' }] },
    });
    const decoded = decodeQueueEntry(asRead(encodeQueueEntry({ ...message, body: Buffer.from(text) })));
    expect(decoded).toEqual({ ok: true, value: expect.objectContaining({ spans }) });
  });

  it.each([
    [
      'a body that does not decode',
      { body: Buffer.from('{"resourceSpans":') },
      /body does not decode: invalid OTLP JSON/,
    ],
    ['a body in the other encoding', { format: 'protobuf' as const }, /body does not decode: invalid OTLP protobuf/],
    ['a count the decode does not give', { acceptedSpans: 3 }, /decodes to 2 X-Ray spans, the receiver accepted 3/],
    ['no project', { projectId: '' }, /no project id/],
  ])('is an error for %s', (_, change, error) => {
    const decoded = decodeQueueEntry(asRead(encodeQueueEntry({ ...message, ...change })));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(error);
  });

  it.each([
    ['a missing field', (m: Map<string, Buffer>) => m.delete(QueueFields.RECEIVED_AT), /no receivedAt/],
    ['a missing body', (m: Map<string, Buffer>) => m.delete(QueueFields.BODY), /no body/],
    [
      'an unknown format',
      (m: Map<string, Buffer>) => m.set(QueueFields.FORMAT, Buffer.from('toString')),
      /unknown format "toString"/,
    ],
    [
      'a count that is not a number',
      (m: Map<string, Buffer>) => m.set(QueueFields.ACCEPTED_SPANS, Buffer.from('2x')),
      /no accepted span count/,
    ],
    [
      'a later version',
      (m: Map<string, Buffer>) => m.set(QueueFields.VERSION, Buffer.from('3')),
      /unsupported queue message version "3"/,
    ],
    ['no version and no v1 field', (m: Map<string, Buffer>) => m.delete(QueueFields.VERSION), /not a queue message/],
  ])('is an error for %s', (_, change, error) => {
    const fields = asRead(encodeQueueEntry(message));
    change(fields);
    const decoded = decodeQueueEntry(fields);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(error);
  });
});

describe('queue message version 1 (entries written before the upgrade)', () => {
  it('still decodes, with its spans as they were', () => {
    const fields = new Map([
      [QUEUE_FIELD_V1, Buffer.from(encodeQueueMessageV1({ v: 1, projectId: 'p0', receivedAt: 5, spans }))],
    ]);
    expect(decodeQueueEntry(fields)).toEqual({ ok: true, value: { v: 1, projectId: 'p0', receivedAt: 5, spans } });
  });

  it.each([
    ['not JSON', '{nope', /not JSON/],
    ['another version', '{"v":7}', /unsupported queue message version 7/],
    ['no spans', '{"v":1,"projectId":"p","receivedAt":1}', /no spans array/],
  ])('is an error when %s', (_, raw, error) => {
    const decoded = decodeQueueEntry(new Map([[QUEUE_FIELD_V1, Buffer.from(raw)]]));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(error);
  });
});

describe('encodeOtlpJson', () => {
  it('gives a body that decodes back to the same spans, every attribute type included', () => {
    expect(decodeOtlpJson(encodeOtlpJson(spans))).toEqual({
      ok: true,
      value: { acceptedSpans: 2, ignoredSpans: 0, rejected: [], spans },
    });
  });
});

// The receiver app in-process: what it enqueues for each OTLP request, and what it answers.

import { gzipSync } from 'node:zlib';

import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { QueueFields } from '@xray/core/ingest';
import { decodeOtlpJson, decodeOtlpProtobuf } from '@xray/core/otlp';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  expectedSpans,
  JSON_TYPE,
  jsonBody,
  openReceiverHarness,
  PROTOBUF,
  spans,
  protobufBody,
  type ReceiverHarness,
  withBadStep,
} from './app.fixture.js';

let h: ReceiverHarness;

beforeAll(async () => {
  h = await openReceiverHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('POST /v1/traces', () => {
  it('enqueues the X-Ray spans of a protobuf request as one stream entry and answers an empty 200', async () => {
    const res = await h.post(protobufBody, PROTOBUF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(await h.newEntries()).toEqual([{ v: 2, projectId: 'p1', receivedAt: 42, spans: expectedSpans }]);
  });

  it('enqueues the body as received, with its format and the count of spans it accepted', async () => {
    await h.post(protobufBody, PROTOBUF);
    await h.post(gzipSync(jsonBody), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    const [proto, json] = await h.newRawEntries();
    const text = (fields: Map<string, Buffer> | undefined, name: string) => fields?.get(name)?.toString();
    expect([
      text(proto, QueueFields.VERSION),
      text(proto, QueueFields.PROJECT_ID),
      text(proto, QueueFields.FORMAT),
    ]).toEqual(['2', 'p1', 'protobuf']);
    expect([text(proto, QueueFields.RECEIVED_AT), text(proto, QueueFields.ACCEPTED_SPANS)]).toEqual(['42', '2']);
    expect(Buffer.compare(proto!.get(QueueFields.BODY)!, protobufBody)).toBe(0);
    // Decompressed: the processor never inflates.
    expect(text(json, QueueFields.FORMAT)).toBe('json');
    expect(Buffer.compare(json!.get(QueueFields.BODY)!, jsonBody)).toBe(0);
  });

  it('enqueues the same spans from the JSON encoding, answering in JSON', async () => {
    const res = await h.post(jsonBody, JSON_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({});
    expect((await h.newEntries()).map((m) => m.spans)).toEqual([expectedSpans]);
  });

  it('accepts gzip bodies', async () => {
    const res = await h.post(gzipSync(protobufBody), { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect((await h.newEntries()).map((m) => m.spans)).toEqual([expectedSpans]);
  });

  it('answers 200 without enqueuing when no span is an X-Ray span', async () => {
    const before = h.receiver.stats.ignoredSpans;
    const res = await h.post(
      ProtobufTraceSerializer.serializeRequest(spans.filter((s) => s.name === 'GET /'))!,
      PROTOBUF
    );
    expect(res.status).toBe(200);
    expect(await h.newEntries()).toEqual([]);
    expect(h.receiver.stats.ignoredSpans).toBe(before + 1);
  });

  it('reports rejected X-Ray spans as partial success and enqueues the rest', async () => {
    const res = await h.post(ProtobufTraceSerializer.serializeRequest(withBadStep())!, PROTOBUF);
    expect(res.status).toBe(200);
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(answer.partialSuccess?.rejectedSpans).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/^1 X-Ray span rejected; span 00: span id/);
    expect((await h.newEntries()).map((m) => m.spans.map((s) => s.name))).toEqual([['run']]);

    const json = await h.post(JsonTraceSerializer.serializeRequest(withBadStep())!, JSON_TYPE);
    expect(await json.json()).toMatchObject({ partialSuccess: { rejectedSpans: '1' } });
    await h.newEntries();
  });

  it.each([
    ['protobuf', PROTOBUF, (s: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(s)!],
    ['JSON', JSON_TYPE, (s: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(s)!],
  ] as const)(
    'accepts, rejects and ignores exactly the spans the processor keeps, drops and ignores (%s)',
    async (_, headers, serialize) => {
      const body = serialize(withBadStep());
      const before = { ...h.receiver.stats };
      const res = await h.post(body, headers);
      expect(res.status).toBe(200);
      const counted = {
        accepted: h.receiver.stats.acceptedSpans - before.acceptedSpans,
        rejected: h.receiver.stats.rejectedSpans - before.rejectedSpans,
        ignored: h.receiver.stats.ignoredSpans - before.ignoredSpans,
      };
      expect(counted).toEqual({ accepted: 1, rejected: 1, ignored: 1 });
      // The processor's decode of the entry: the same decoder, so the same spans survive.
      const [entry] = await h.newEntries();
      const full = headers === PROTOBUF ? decodeOtlpProtobuf(body) : decodeOtlpJson(body);
      if (!full.ok) throw new Error(full.error);
      expect(entry!.spans).toEqual(full.value.spans);
      expect(entry!.spans.map((s) => s.name)).toEqual(['run']);
      expect({
        accepted: full.value.acceptedSpans,
        rejected: full.value.rejected.length,
        ignored: full.value.ignoredSpans,
      }).toEqual(counted);
    }
  );

  it.each([
    ['text/plain', {}],
    ['no content type', null],
  ])('answers 415 with a sentence for %s', async (_, type) => {
    const headers: Record<string, string> = type === null ? {} : { 'content-type': 'text/plain' };
    const res = await h.post('hello', headers);
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/send application\/x-protobuf or application\/json/);
  });
});

// The receiver app in-process (app.request) against the real redis-server on 127.0.0.1:6379,
// fed with bodies from the real OpenTelemetry JS serializers.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { QUEUE_FIELDS, decodeQueueEntry, type QueuedSpans } from '@xray/core/ingest';
import { decodeOtlpJson, decodeOtlpProtobuf } from '@xray/core/otlp';
import {
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_SPAN_KIND,
  EVENT_XRAY_DECISION,
  Outcomes,
  SpanKinds,
} from '@xray/otel';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type Receiver } from './app.js';
import { type TestTenant, testTenant } from './tenant.fixture.js';
import { createRedisSpanQueue, type RedisSpanQueue } from './queue.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A run span with a step child, plus one span that is not X-Ray's. */
function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('app-test');
  const run = tracer.startSpan('run', {
    startTime: [1_700_000_000, 123_456_789],
    attributes: { [ATTR_XRAY_SPAN_KIND]: SpanKinds.RUN },
  });
  const ctx = trace.setSpan(context.active(), run);
  const step = tracer.startSpan('step', { attributes: { [ATTR_XRAY_SPAN_KIND]: SpanKinds.STEP } }, ctx);
  step.addEvent(EVENT_XRAY_DECISION, {
    [ATTR_XRAY_DECISION_ITEM_ID]: 'a',
    [ATTR_XRAY_DECISION_OUTCOME]: Outcomes.KEPT,
  });
  step.end();
  tracer.startSpan('GET /', {}, ctx).end();
  run.end();
  return exporter.getFinishedSpans();
}

const spans = recordSpans();
const protobufBody = ProtobufTraceSerializer.serializeRequest(spans)!;
const jsonBody = JsonTraceSerializer.serializeRequest(spans)!;
const expectedSpans = (decodeOtlpProtobuf(protobufBody) as { ok: true; value: { spans: unknown[] } }).value.spans;

/** The same spans, the step's span id broken (as a non-SDK client might send). */
function withBadStep(): ReadableSpan[] {
  return spans.map((s) => {
    if (s.name !== 'step') return s;
    const copy = Object.create(s) as ReadableSpan & { spanContext: ReadableSpan['spanContext'] };
    copy.spanContext = () => ({ ...s.spanContext(), spanId: '00' });
    return copy;
  });
}

const stream = `test:recv:${randomUUID()}`;
let redis: Redis;
let queue: RedisSpanQueue;
let receiver: Receiver;
let tenant: TestTenant;
let lastId = '0-0';

/** Fields of the stream entries added since the last call, as the processor reads them. */
async function newRawEntries(): Promise<Map<string, Buffer>[]> {
  const entries = await redis.xrangeBuffer(stream, `(${lastId}`, '+');
  lastId = entries.at(-1)?.[0].toString() ?? lastId;
  return entries.map(
    ([, f]) => new Map(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString(), f[2 * i + 1]!] as const))
  );
}

/** The stream entries added since the last call, decoded as the processor decodes them. */
async function newEntries(): Promise<QueuedSpans[]> {
  return (await newRawEntries()).map((fields) => {
    const decoded = decodeQueueEntry(fields);
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.value;
  });
}

function post(body: string | Uint8Array, headers: Record<string, string>, app = receiver.app): Promise<Response> {
  return Promise.resolve(app.request('/v1/traces', { method: 'POST', body, headers: { ...tenant.auth, ...headers } }));
}

beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379');
  queue = createRedisSpanQueue({ url: 'redis://127.0.0.1:6379', stream });
  expect(await queue.waitUntilReady(5000)).toBe(true);
  tenant = await testTenant('p1');
  receiver = createApp({ queue, ...tenant.deps, maxBodyBytes: 64 * 1024, now: () => 42 });
});

afterAll(async () => {
  await tenant?.close();
  await redis?.del(stream);
  await Promise.all([redis?.quit(), queue?.close()]);
});

describe('POST /v1/traces', () => {
  it('enqueues the X-Ray spans of a protobuf request as one stream entry and answers an empty 200', async () => {
    const res = await post(protobufBody, PROTOBUF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(await newEntries()).toEqual([{ v: 2, projectId: 'p1', receivedAt: 42, spans: expectedSpans }]);
  });

  it('enqueues the body as received, with its format and the count of spans it accepted', async () => {
    await post(protobufBody, PROTOBUF);
    await post(gzipSync(jsonBody), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    const [proto, json] = await newRawEntries();
    const text = (fields: Map<string, Buffer> | undefined, name: string) => fields?.get(name)?.toString();
    expect([
      text(proto, QUEUE_FIELDS.VERSION),
      text(proto, QUEUE_FIELDS.PROJECT_ID),
      text(proto, QUEUE_FIELDS.FORMAT),
    ]).toEqual(['2', 'p1', 'protobuf']);
    expect([text(proto, QUEUE_FIELDS.RECEIVED_AT), text(proto, QUEUE_FIELDS.ACCEPTED_SPANS)]).toEqual(['42', '2']);
    expect(Buffer.compare(proto!.get(QUEUE_FIELDS.BODY)!, protobufBody)).toBe(0);
    // Decompressed: the processor never inflates.
    expect(text(json, QUEUE_FIELDS.FORMAT)).toBe('json');
    expect(Buffer.compare(json!.get(QUEUE_FIELDS.BODY)!, jsonBody)).toBe(0);
  });

  it('enqueues the same spans from the JSON encoding, answering in JSON', async () => {
    const res = await post(jsonBody, JSON_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({});
    expect((await newEntries()).map((m) => m.spans)).toEqual([expectedSpans]);
  });

  it('accepts gzip bodies', async () => {
    const res = await post(gzipSync(protobufBody), { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect((await newEntries()).map((m) => m.spans)).toEqual([expectedSpans]);
  });

  it('answers 200 without enqueuing when no span is an X-Ray span', async () => {
    const before = receiver.stats.ignoredSpans;
    const res = await post(
      ProtobufTraceSerializer.serializeRequest(spans.filter((s) => s.name === 'GET /'))!,
      PROTOBUF
    );
    expect(res.status).toBe(200);
    expect(await newEntries()).toEqual([]);
    expect(receiver.stats.ignoredSpans).toBe(before + 1);
  });

  it('reports rejected X-Ray spans as partial success and enqueues the rest', async () => {
    const res = await post(ProtobufTraceSerializer.serializeRequest(withBadStep())!, PROTOBUF);
    expect(res.status).toBe(200);
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(answer.partialSuccess?.rejectedSpans).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/^1 X-Ray span rejected; span 00: span id/);
    expect((await newEntries()).map((m) => m.spans.map((s) => s.name))).toEqual([['run']]);

    const json = await post(JsonTraceSerializer.serializeRequest(withBadStep())!, JSON_TYPE);
    expect(await json.json()).toMatchObject({ partialSuccess: { rejectedSpans: '1' } });
    await newEntries();
  });

  it.each([
    ['protobuf', PROTOBUF, (s: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(s)!],
    ['JSON', JSON_TYPE, (s: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(s)!],
  ] as const)(
    'accepts, rejects and ignores exactly the spans the processor keeps, drops and ignores (%s)',
    async (_, headers, serialize) => {
      const body = serialize(withBadStep());
      const before = { ...receiver.stats };
      const res = await post(body, headers);
      expect(res.status).toBe(200);
      const counted = {
        accepted: receiver.stats.acceptedSpans - before.acceptedSpans,
        rejected: receiver.stats.rejectedSpans - before.rejectedSpans,
        ignored: receiver.stats.ignoredSpans - before.ignoredSpans,
      };
      expect(counted).toEqual({ accepted: 1, rejected: 1, ignored: 1 });
      // The processor's decode of the entry: the same decoder, so the same spans survive.
      const [entry] = await newEntries();
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
    const res = await post('hello', headers);
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/send application\/x-protobuf or application\/json/);
  });

  it('answers 415 for an unsupported content encoding, in the request content type', async () => {
    const res = await post(jsonBody, { ...JSON_TYPE, 'content-encoding': 'br' });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ code: 3, message: 'Unsupported content encoding "br"; send gzip or identity.' });
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    expect((await post(big, PROTOBUF)).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    const res = await receiver.app.request('/v1/traces', {
      method: 'POST',
      body: endless,
      headers: { ...tenant.auth, ...JSON_TYPE },
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(pulled).toBeLessThan(10); // reading stopped near the limit
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/exceeds 65536 bytes/) });
  });

  it('answers 413 for a small gzip body that inflates past the limit', async () => {
    const bomb = gzipSync(new Uint8Array(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(await newEntries()).toEqual([]);
  });

  it.each([
    ['protobuf garbage', Uint8Array.from([0x0a, 0xff, 0xff, 0x01]), PROTOBUF, {}],
    ['JSON garbage', '{"resourceSpans": [', JSON_TYPE, {}],
    ['a broken gzip stream', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), PROTOBUF, { 'content-encoding': 'gzip' }],
  ])('answers 400 for %s', async (_, body, type, extra) => {
    const res = await post(body, { ...type, ...extra });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(type['content-type'].split(';')[0]);
    expect(await newEntries()).toEqual([]);
  });

  it('answers 405 with Allow for other methods', async () => {
    const res = await receiver.app.request('/v1/traces', { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers 503 with Retry-After within a second when Redis is unreachable', async () => {
    const down = createRedisSpanQueue({ url: 'redis://127.0.0.1:1', stream });
    try {
      const { app, stats } = createApp({ queue: down, ...tenant.deps, maxBodyBytes: 1 << 20 });
      const started = performance.now();
      const res = await post(protobufBody, PROTOBUF, app);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const status = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(status)).toMatch(/span queue is unavailable/);
      expect(stats).toMatchObject({ acceptedSpans: 0, requests: { 503: 1 } });
    } finally {
      await down.close();
    }
  });

  it('counts answers by status and spans by fate', async () => {
    const { app, stats } = createApp({ queue, ...tenant.deps, maxBodyBytes: 1 << 20 });
    await post(protobufBody, PROTOBUF, app);
    await post(ProtobufTraceSerializer.serializeRequest(withBadStep())!, PROTOBUF, app);
    await post('{', JSON_TYPE, app);
    await app.request('/v1/traces', { method: 'PUT' });
    expect(stats).toEqual({
      acceptedSpans: 3,
      rejectedSpans: 1,
      ignoredSpans: 2,
      requests: { 200: 2, 400: 1, 405: 1 },
    });
    await newEntries();
  });
});

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const res = await receiver.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz and /metrics', () => {
  it('is ready while Redis answers, and 503 when it does not', async () => {
    expect((await receiver.app.request('/readyz')).status).toBe(200);
    const down = createRedisSpanQueue({ url: 'redis://127.0.0.1:1', stream });
    try {
      const res = await createApp({ queue: down, ...tenant.deps, maxBodyBytes: 1024 }).app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ redis: 'unreachable' });
    } finally {
      await down.close();
    }
  });

  it('exposes requests by status and spans by fate in Prometheus format', async () => {
    const { app } = createApp({ queue, ...tenant.deps, maxBodyBytes: 1 << 20 });
    await post(protobufBody, PROTOBUF, app);
    await post('garbage', JSON_TYPE, app);
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('xray_receiver_requests_total{status="200"} 1');
    expect(text).toContain('xray_receiver_requests_total{status="400"} 1');
    expect(text).toMatch(/xray_receiver_spans_accepted_total [1-9]/);
    expect(text).toMatch(/xray_receiver_spans_ignored_total [1-9]/);
    expect(text).toMatch(/\nprocess_cpu_seconds_total \d/); // throughput per CPU-second needs it
  });
});

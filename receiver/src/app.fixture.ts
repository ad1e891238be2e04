// What the receiver app's tests share: bodies from the real OpenTelemetry JS serializers, and the
// app in-process against the real redis-server on 127.0.0.1:6379, with a stream of its own.
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { decodeQueueEntry, type QueuedSpans } from '@xray/core/ingest';
import { decodeOtlpProtobuf } from '@xray/core/otlp';
import { DEFAULT_REDIS_URL } from '@xray/core/service';
import {
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_SPAN_KIND,
  EVENT_XRAY_DECISION,
  Outcomes,
  SpanKinds,
} from '@xray/otel';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { createApp, type Receiver } from './app.js';
import { createRedisSpanQueue, type RedisSpanQueue } from './queue.js';
import { type TestTenant, testTenant } from './tenant.fixture.js';

export const PROTOBUF = { 'content-type': 'application/x-protobuf' };
export const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

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

export const spans = recordSpans();
export const protobufBody = ProtobufTraceSerializer.serializeRequest(spans)!;
export const jsonBody = JsonTraceSerializer.serializeRequest(spans)!;
export const expectedSpans = (decodeOtlpProtobuf(protobufBody) as { ok: true; value: { spans: unknown[] } }).value
  .spans;

/** The same spans, the step's span id broken (as a non-SDK client might send). */
export function withBadStep(): ReadableSpan[] {
  return spans.map((s) => {
    if (s.name !== 'step') return s;
    const copy = Object.create(s) as ReadableSpan & { spanContext: ReadableSpan['spanContext'] };
    copy.spanContext = () => ({ ...s.spanContext(), spanId: '00' });
    return copy;
  });
}

/** The app on a stream of its own, and what the processor would read from that stream. */
export interface ReceiverHarness {
  stream: string;
  queue: RedisSpanQueue;
  tenant: TestTenant;
  /** The app (64 KiB body limit, clock at 42). */
  receiver: Receiver;
  /** POSTs `body` to /v1/traces with the tenant's key. */
  post(body: string | Uint8Array, headers: Record<string, string>, app?: Receiver['app']): Promise<Response>;
  /** Fields of the stream entries added since the last call, as the processor reads them. */
  newRawEntries(): Promise<Map<string, Buffer>[]>;
  /** The stream entries added since the last call, decoded as the processor decodes them. */
  newEntries(): Promise<QueuedSpans[]>;
  close(): Promise<void>;
}

export async function openReceiverHarness(): Promise<ReceiverHarness> {
  const stream = `test:recv:${randomUUID()}`;
  const redis = new Redis(DEFAULT_REDIS_URL);
  const queue = createRedisSpanQueue({ url: DEFAULT_REDIS_URL, stream });
  expect(await queue.waitUntilReady(5000)).toBe(true);
  const tenant = await testTenant('p1');
  const receiver = createApp({ queue, ...tenant.deps, maxBodyBytes: 64 * 1024, now: () => 42 });
  let lastId = '0-0';
  const newRawEntries = async () => {
    const entries = await redis.xrangeBuffer(stream, `(${lastId}`, '+');
    lastId = entries.at(-1)?.[0].toString() ?? lastId;
    return entries.map(
      ([, f]) => new Map(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString(), f[2 * i + 1]!] as const))
    );
  };
  return {
    stream,
    queue,
    tenant,
    receiver,
    post: (body, headers, app = receiver.app) =>
      Promise.resolve(app.request('/v1/traces', { method: 'POST', body, headers: { ...tenant.auth, ...headers } })),
    newRawEntries,
    newEntries: async () =>
      (await newRawEntries()).map((fields) => {
        const decoded = decodeQueueEntry(fields);
        if (!decoded.ok) throw new Error(decoded.error);
        return decoded.value;
      }),
    async close() {
      await tenant.close();
      await redis.del(stream);
      await Promise.all([redis.quit(), queue.close()]);
    },
  };
}

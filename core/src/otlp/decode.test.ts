// Bodies produced by the real OpenTelemetry JS exporters' serializers, decoded both ways.
import { SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_DECISION_OUTCOME,
  ATTR_XRAY_DECISION_SCORE,
  ATTR_XRAY_PIPELINE_NAME,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_NAME,
  EVENT_XRAY_DECISION,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './json.js';
import type { OtlpTraces } from './verdict.js';
import { decodeOtlpProtobuf } from './protobuf.js';

const T0: [number, number] = [1_700_000_000, 123_456_789]; // 1700000000123456789 ns, above 2^53

function record(build: (tracer: Tracer) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  build(provider.getTracer('decode-test'));
  return exporter.getFinishedSpans();
}

/** A run span, a step span with two decisions, and an unrelated HTTP span. */
function pipelineSpans(): ReadableSpan[] {
  return record((tracer) => {
    const run = tracer.startSpan('run', { startTime: T0 });
    const runId = run.spanContext().traceId;
    run.setAttributes({ [ATTR_XRAY_SPAN_KIND]: 'run', [ATTR_XRAY_RUN_ID]: runId, [ATTR_XRAY_PIPELINE_NAME]: 'search' });
    run.setAttribute('negative', -42);
    const ctx = trace.setSpan(context.active(), run);
    const step = tracer.startSpan('filter', { startTime: [T0[0], T0[1] + 1] }, ctx);
    step.setAttributes({ [ATTR_XRAY_SPAN_KIND]: 'step', [ATTR_XRAY_RUN_ID]: runId, [ATTR_XRAY_STEP_NAME]: 'filter' });
    step.setAttribute('tags', ['a', 'b']);
    step.addEvent(
      EVENT_XRAY_DECISION,
      { [ATTR_XRAY_DECISION_ITEM_ID]: 'i1', [ATTR_XRAY_DECISION_OUTCOME]: 'kept', [ATTR_XRAY_DECISION_SCORE]: 0.75 },
      [T0[0], 999_999_999]
    );
    step.addEvent(
      EVENT_XRAY_DECISION,
      { [ATTR_XRAY_DECISION_ITEM_ID]: 'i2', [ATTR_XRAY_DECISION_OUTCOME]: 'eliminated', ok: false },
      [T0[0] + 1, 1]
    );
    step.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    step.end([T0[0] + 2, 0]);
    tracer.startSpan('GET /health', { attributes: { 'http.method': 'GET' } }, ctx).end();
    run.end([T0[0] + 3, 5]);
  });
}

function decodeBoth(spans: ReadableSpan[]): { proto: OtlpTraces; json: OtlpTraces } {
  const proto = decodeOtlpProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!);
  const json = decodeOtlpJson(JsonTraceSerializer.serializeRequest(spans)!);
  if (!proto.ok) throw new Error(proto.error);
  if (!json.ok) throw new Error(json.error);
  return { proto: proto.value, json: json.value };
}

/** A copy of `span` whose span id is replaced (the SDK never makes bad ids; other clients may). */
function withSpanId(span: ReadableSpan, spanId: string): ReadableSpan {
  const copy = Object.create(span) as ReadableSpan & { spanContext: ReadableSpan['spanContext'] };
  copy.spanContext = () => ({ ...span.spanContext(), spanId });
  return copy;
}

describe('decoding bodies from the OpenTelemetry JS serializers', () => {
  it('gives identical X-Ray spans from protobuf and JSON', () => {
    const { proto, json } = decodeBoth(pipelineSpans());
    expect(proto.spans).toHaveLength(2);
    expect(json).toEqual(proto);
  });

  it('keeps nanosecond timestamps above 2^53 exact', () => {
    const { proto, json } = decodeBoth(pipelineSpans());
    for (const result of [proto, json]) {
      const [step, run] = result.spans; // the step ends first
      expect(run?.startTimeUnixNano).toBe('1700000000123456789');
      expect(run?.endTimeUnixNano).toBe('1700000003000000005');
      expect(step?.startTimeUnixNano).toBe('1700000000123456790');
      expect(step?.events.map((e) => e.timeUnixNano)).toEqual(['1700000000999999999', '1700000001000000001']);
    }
  });

  it('decodes ids, names, attributes, events and status', () => {
    const recorded = pipelineSpans();
    const { proto } = decodeBoth(recorded);
    const [step, run] = proto.spans;
    const runSpan = recorded.find((s) => s.name === 'run')!;
    expect(run).toMatchObject({
      traceId: runSpan.spanContext().traceId,
      spanId: runSpan.spanContext().spanId,
      parentSpanId: '',
      name: 'run',
      attributes: { [ATTR_XRAY_SPAN_KIND]: 'run', negative: -42 },
    });
    expect(step).toMatchObject({
      parentSpanId: runSpan.spanContext().spanId,
      status: { code: 2, message: 'boom' },
      attributes: { tags: ['a', 'b'], [ATTR_XRAY_STEP_NAME]: 'filter' },
    });
    expect(step?.events[0]).toEqual({
      timeUnixNano: '1700000000999999999',
      name: EVENT_XRAY_DECISION,
      attributes: {
        [ATTR_XRAY_DECISION_ITEM_ID]: 'i1',
        [ATTR_XRAY_DECISION_OUTCOME]: 'kept',
        [ATTR_XRAY_DECISION_SCORE]: 0.75,
      },
    });
    expect(step?.events[1]?.attributes.ok).toBe(false);
  });

  it('keeps int64 attributes beyond 2^53 as the exact digits on the wire', () => {
    const spans = pipelineSpans();
    spans.find((s) => s.name === 'run')!.attributes.big = 2 ** 60;
    const { proto, json } = decodeBoth(spans);
    expect(proto.spans[1]?.attributes.big).toBe('1152921504606846976');
    // JSON.stringify writes 2^60 as its shortest round-trip form; the decoder keeps those digits.
    expect(json.spans[1]?.attributes.big).toBe('1152921504606847000');
  });

  it('counts and drops spans that are not X-Ray spans', () => {
    const { proto, json } = decodeBoth(pipelineSpans());
    expect(proto.ignoredSpans).toBe(1);
    expect(json.ignoredSpans).toBe(1);
    expect(proto.spans.map((s) => s.name)).not.toContain('GET /health');
  });

  it('rejects an X-Ray span with a bad span id and keeps the rest of the batch', () => {
    const spans = pipelineSpans();
    const stepIndex = spans.findIndex((s) => s.name === 'filter');
    spans[stepIndex] = withSpanId(spans[stepIndex]!, 'abcd');
    const { proto, json } = decodeBoth(spans);
    for (const result of [proto, json]) {
      expect(result.spans.map((s) => s.name)).toEqual(['run']);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]?.reason).toMatch(/span id must be 16 hex characters/);
    }
  });

  it('returns an error, not a throw, for every truncation of a real body', () => {
    const body = ProtobufTraceSerializer.serializeRequest(pipelineSpans())!;
    let errors = 0;
    for (let cut = 1; cut < body.length; cut++) {
      const result = decodeOtlpProtobuf(body.subarray(0, cut));
      if (!result.ok) errors++;
    }
    // A cut that lands exactly between two top-level resource_spans is a valid, shorter request.
    expect(errors).toBeGreaterThan(body.length - 5);
    expect(decodeOtlpProtobuf(body.subarray(0, body.length - 3))).toMatchObject({ ok: false });
  });
});

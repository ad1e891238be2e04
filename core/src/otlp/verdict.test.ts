// The receiver checks a body (checkOtlp) and the processor decodes the same bytes (decodeOtlp):
// both must reach the same verdict on every input, valid or not, or spans would be lost or invented
// between the 200 and the store. Real serializer bodies, hand-made rejections, and mutations.
import { context, trace, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_XRAY_DECISION_ITEM_ID, ATTR_XRAY_SPAN_KIND, EVENT_XRAY_DECISION } from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { checkOtlp, decodeOtlp } from './decode.js';
import type { OtlpFormat } from './response.js';

function record(build: (tracer: Tracer) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  build(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('verdict-test'));
  return exporter.getFinishedSpans();
}

/** A copy of `span` with other ids (the SDK never makes bad ids; other clients may). */
function withIds(span: ReadableSpan, ids: { traceId?: string; spanId?: string }): ReadableSpan {
  const copy = Object.create(span) as ReadableSpan & { spanContext: ReadableSpan['spanContext'] };
  copy.spanContext = () => ({ ...span.spanContext(), ...ids });
  return copy;
}

/** Valid X-Ray spans with decisions, spans that are not X-Ray's, and X-Ray spans to reject. */
const spans = record((tracer) => {
  const run = tracer.startSpan('run', { attributes: { [ATTR_XRAY_SPAN_KIND]: 'run', nested: [1, 2, 3] } });
  const ctx = trace.setSpan(context.active(), run);
  for (let s = 0; s < 3; s++) {
    const step = tracer.startSpan(`step-${s}`, { attributes: { [ATTR_XRAY_SPAN_KIND]: 'step' } }, ctx);
    for (let i = 0; i < 5; i++)
      step.addEvent(EVENT_XRAY_DECISION, { [ATTR_XRAY_DECISION_ITEM_ID]: `i${i}`, score: i / 3, ok: i % 2 === 0 });
    step.end();
  }
  tracer.startSpan('unknown kind', { attributes: { [ATTR_XRAY_SPAN_KIND]: 'stage' } }, ctx).end();
  tracer.startSpan('GET /', { attributes: { 'http.method': 'GET' } }, ctx).end();
  run.end();
});
const mixed = spans.map((s) => (s.name === 'step-1' ? withIds(s, { spanId: '0000000000000000' }) : s));
const bodies: Record<OtlpFormat, Uint8Array> = {
  protobuf: ProtobufTraceSerializer.serializeRequest(mixed)!,
  json: JsonTraceSerializer.serializeRequest(mixed)!,
};

/** Check and decode of one body agree: the same error, or the same verdict and that many spans. */
function expectSameVerdict(format: OtlpFormat, body: Uint8Array): 'ok' | 'error' {
  const checked = checkOtlp(format, body);
  const decoded = decodeOtlp(format, body);
  if (!decoded.ok) {
    expect(checked).toEqual(decoded);
    return 'error';
  }
  const { spans: built, ...verdict } = decoded.value;
  expect(checked).toEqual({ ok: true, value: verdict });
  expect(built).toHaveLength(verdict.acceptedSpans);
  return 'ok';
}

/** Deterministic pseudo-random numbers (a fixed LCG), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

describe.each(['protobuf', 'json'] as const)('check and decode of OTLP/%s', (format) => {
  it('agree on accepted, rejected and ignored spans of a real body', () => {
    const checked = checkOtlp(format, bodies[format]);
    expect(checked).toMatchObject({ ok: true, value: { acceptedSpans: 3, ignoredSpans: 1 } });
    if (checked.ok)
      expect(checked.value.rejected.map((r) => r.reason)).toEqual([
        expect.stringMatching(/span id/),
        expect.stringMatching(/xray.span.kind/),
      ]);
    expect(expectSameVerdict(format, bodies[format])).toBe('ok');
  });

  it('agree on every truncation of a real body', () => {
    const body = bodies[format];
    for (let cut = 0; cut < body.length; cut += format === 'json' ? 7 : 1)
      expectSameVerdict(format, body.subarray(0, cut));
  });

  it('agree on thousands of corrupted bodies', () => {
    const random = rng(format === 'json' ? 7 : 11);
    // Bytes that matter to each encoding, so corruptions reach the decoders' checks, not just syntax.
    const alphabet =
      format === 'json'
        ? [...'{}[]":,0123456789-eE.tfnul\\ abcdefABCDEF'].map((c) => c.charCodeAt(0))
        : [0x00, 0x01, 0x02, 0x08, 0x09, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x7f, 0x80, 0xff];
    const outcomes = { ok: 0, error: 0 };
    for (let n = 0; n < 3000; n++) {
      const body = Uint8Array.from(bodies[format]);
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--)
        body[Math.floor(random() * body.length)] = alphabet[Math.floor(random() * alphabet.length)]!;
      outcomes[expectSameVerdict(format, body)]++;
    }
    // Both kinds of outcome were exercised.
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(100);
  });
});

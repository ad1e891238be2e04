import { context, trace, TraceFlags } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

// The real collector (started by @xray/stack's startCollector) and what the tests send through it.
export { COLLECTOR_CONFIG, collectorBinary, startCollector, type Collector } from '@xray/stack';

/** Spans the debug exporter logged (verbosity basic: one line per batch with its span count). */
export function debugExporterSpans(stderr: string): number {
  return [...stderr.matchAll(/"otelcol\.component\.id": "debug".*"spans": (\d+)/g)].reduce(
    (sum, m) => sum + Number(m[1]),
    0
  );
}

/** Ids in a fixed sequence, so two clients given one each make the same run and step ids. */
export function sequentialIds(seed: number): { generateTraceId(): string; generateSpanId(): string } {
  let next = 0;
  const hex = (digits: number) => (seed * 1_000_003 + ++next).toString(16).padStart(digits, '0');
  return { generateTraceId: () => `a${hex(31)}`, generateSpanId: () => `b${hex(15)}` };
}

export const PLAIN_MARKER = 'plain-otel-not-xray';

/**
 * Sends ordinary OpenTelemetry spans (no xray.* attribute) with a plain tracer and its own OTLP
 * exporter: three in the trace `traceId` (an X-Ray run's), and two traces of their own with three
 * spans each. Returns how many spans it sent (9) and the ids of the traces of their own.
 */
export async function sendPlainSpans(
  otlpHttpUrl: string,
  traceId: string
): Promise<{ spans: number; traces: string[] }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': PLAIN_MARKER }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }))],
  });
  const tracer = provider.getTracer(PLAIN_MARKER);
  const inRun = trace.setSpanContext(context.active(), {
    traceId,
    spanId: 'c'.repeat(16),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  for (const name of ['db.query', 'http.call', 'cache.get'])
    tracer.startSpan(`${PLAIN_MARKER} ${name}`, { attributes: { 'db.system': 'postgresql' } }, inRun).end();
  const traces: string[] = [];
  for (let t = 0; t < 2; t++) {
    const root = tracer.startSpan(`${PLAIN_MARKER} request ${t}`, { attributes: { 'http.request.method': 'GET' } });
    traces.push(root.spanContext().traceId);
    const inner = trace.setSpan(context.active(), root);
    for (const name of ['parse', 'respond']) {
      const span = tracer.startSpan(`${PLAIN_MARKER} ${name}`, {}, inner);
      span.addEvent('done', { 'item.count': 3 });
      span.end();
    }
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  return { spans: 9, traces };
}

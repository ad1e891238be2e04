import { type ProxyTracerProvider, context, trace } from '@opentelemetry/api';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_ID,
  CaptureLevels,
  EVENT_XRAY_DECISION,
  SpanKinds,
} from '@xray/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY_PAYLOADS } from './client.fixture.js';
import { ELIMINATED, KEPT, XRStepType, XRay } from './index.js';

// A service that already runs OpenTelemetry (NodeSDK, default limits: 128 events per span) and adds
// X-Ray: X-Ray routes its spans through its own provider, so neither side sees the other's spans.

describe('inside a service running the OpenTelemetry NodeSDK', () => {
  const userExporter = new tracing.InMemorySpanExporter();
  const sdk = new NodeSDK({ spanProcessors: [new tracing.SimpleSpanProcessor(userExporter)], instrumentations: [] });
  beforeAll(() => sdk.start());
  afterAll(() => sdk.shutdown());

  it("leaves the user's provider, limits and exporter alone; all 5,000 decisions reach X-Ray's exporter; the run links to the request", async () => {
    const globalBefore = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
    const xrayExporter = new InMemorySpanExporter();
    const xray = new XRay({ exporter: xrayExporter, capture: CaptureLevels.FULL, ...IN_MEMORY_PAYLOADS });
    const userTracer = trace.getTracer('user-service');

    let runId = '';
    let requestSpanId = '';
    let requestTraceId = '';
    await userTracer.startActiveSpan('GET /search', async (request) => {
      requestSpanId = request.spanContext().spanId;
      requestTraceId = request.spanContext().traceId;
      // The user's own span with 200 events: their provider's 128-event limit applies to it, as before.
      for (let i = 0; i < 200; i++) request.addEvent('user.event', { i });
      runId = await xray.startRun('search-ranking', undefined);
      await xray.step(
        runId,
        XRStepType.FILTER,
        'filter',
        () => Array.from({ length: 5000 }, (_, i) => ({ itemId: i, outcome: i % 2 ? KEPT : ELIMINATED })),
        undefined
      );
      await xray.endRun(runId, undefined);
      // X-Ray never makes its spans active: the user's context is untouched.
      expect(trace.getSpan(context.active())?.spanContext().spanId).toBe(requestSpanId);
      request.end();
    });
    expect(await xray.flush()).toBe(true);

    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(globalBefore);
    expect(globalBefore.constructor.name).not.toBe('ProxyTracerProvider'); // the NodeSDK's, really registered
    // NodeSDK's resource detectors are async: the user's processor exports once they settle.
    for (let i = 0; i < 100 && userExporter.getFinishedSpans().length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const userSpans = userExporter.getFinishedSpans();
    expect(userSpans.map((s) => s.name)).toEqual(['GET /search']);
    expect(userSpans[0]!.events).toHaveLength(128); // the user's default limit, unchanged
    expect(userSpans[0]!.droppedEventsCount).toBe(72);
    expect(userSpans.some((s) => ATTR_XRAY_SPAN_KIND in s.attributes)).toBe(false);

    const xraySpans = xrayExporter.getFinishedSpans();
    // X-Ray's spans come from its own provider (its own resource), not from the user's.
    expect(xraySpans.some((s) => s.resource === userSpans[0]!.resource)).toBe(false);
    expect(xraySpans.every((s) => s.attributes[ATTR_XRAY_SPAN_KIND] !== undefined)).toBe(true);
    expect(xraySpans.every((s) => s.droppedEventsCount === 0)).toBe(true);
    const step = xraySpans.find((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.STEP)!;
    const ids = xraySpans
      .filter((s) => s.attributes[ATTR_XRAY_STEP_ID] === step.spanContext().spanId)
      .flatMap((s) =>
        s.events.filter((e) => e.name === EVENT_XRAY_DECISION).map((e) => e.attributes![ATTR_XRAY_DECISION_ITEM_ID])
      );
    expect(new Set(ids).size).toBe(5000);

    const run = xraySpans.find((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.RUN)!;
    expect(run.spanContext().traceId).toBe(runId);
    expect(run.spanContext().traceId).not.toBe(requestTraceId);
    expect(run.links.map((l) => l.context.spanId)).toEqual([requestSpanId]);
    expect(run.links[0]!.context.traceId).toBe(requestTraceId);
    await xray.shutdown();
  });
});

import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ByteBudgetExporter } from './exporter.js';
import type { ResolvedOptions, XRayStats } from './types.js';

// Batch processor settings: spans are chunked (a 5,000-decision step is ~6 spans), so the queue
// counts spans, not decisions; export quickly so a pipeline's data is visible within a second.
const MAX_QUEUE_SIZE = 4096;
const MAX_EXPORT_BATCH_SIZE = 512;
const SCHEDULED_DELAY_MILLIS = 200;
const EXPORT_TIMEOUT_MILLIS = 10_000;
/** Generous: X-Ray spans carry ~15 attributes, events ~8. */
const ATTRIBUTE_COUNT_LIMIT = 128;
const MIN_ATTRIBUTE_VALUE_LENGTH = 64 * 1024;
const PROVIDER_FLUSH_SLACK_MILLIS = 1000;

/**
 * X-Ray's own tracer provider: batch processor -> byte-budget splitter -> OTLP/HTTP protobuf (or the
 * injected exporter). Never registered globally, so it neither sees nor changes the application's
 * own tracing, and the application's limits (128 events per span by default) do not apply to it.
 */
export function createProvider(opts: ResolvedOptions, stats: XRayStats): BasicTracerProvider {
  const inner =
    opts.exporter ??
    new OTLPTraceExporter({ url: opts.endpoint, headers: opts.headers, timeoutMillis: EXPORT_TIMEOUT_MILLIS });
  const exporter = new ByteBudgetExporter(inner, opts.maxExportBytes, (result, spanCount) => {
    if (result.code === ExportResultCode.SUCCESS) stats.spansExported += spanCount;
    else stats.exportFailures++;
  });
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    // Explicit, so OTEL_TRACES_SAMPLER cannot silently sample X-Ray's runs away.
    sampler: new AlwaysOnSampler(),
    spanLimits: {
      // The recorder never puts more than decisionsPerSpan events on a span: none is dropped.
      eventCountLimit: opts.decisionsPerSpan,
      attributeCountLimit: ATTRIBUTE_COUNT_LIMIT,
      attributePerEventCountLimit: ATTRIBUTE_COUNT_LIMIT,
      // Payloads are already cut at maxPayloadBytes as valid JSON; OTel's own cut would break the JSON.
      attributeValueLengthLimit: Math.max(MIN_ATTRIBUTE_VALUE_LENGTH, opts.maxPayloadBytes),
    },
    // A backstop only: XRay.flush() gives up first (and counts it) after flushTimeoutMillis.
    forceFlushTimeoutMillis: opts.flushTimeoutMillis + PROVIDER_FLUSH_SLACK_MILLIS,
    spanProcessors: [
      // Every setting explicit, so OTEL_BSP_* variables meant for the application's tracing do not apply.
      new BatchSpanProcessor(exporter, {
        maxQueueSize: MAX_QUEUE_SIZE,
        maxExportBatchSize: MAX_EXPORT_BATCH_SIZE,
        scheduledDelayMillis: SCHEDULED_DELAY_MILLIS,
        exportTimeoutMillis: EXPORT_TIMEOUT_MILLIS,
      }),
    ],
  });
}

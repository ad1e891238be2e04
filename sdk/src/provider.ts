import type { Agent } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { httpModule, unrefAgent } from './agent.js';
import type { QueueBudget } from './budget.js';
import { BoundedBatchProcessor } from './processor.js';
import type { ResolvedOptions, XRayStats } from './types.js';
import type { Warn } from './warn.js';

// Spans are chunked (a 5,000-decision step is ~6 spans), so a batch of 512 is rarely reached; the
// byte budget usually cuts first. Export quickly so a pipeline's data is visible within a second.
const MAX_EXPORT_SPANS = 512;
const SCHEDULED_DELAY_MILLIS = 200;
/** Generous: X-Ray spans carry ~15 attributes, events ~10. */
const ATTRIBUTE_COUNT_LIMIT = 128;
const MIN_ATTRIBUTE_VALUE_LENGTH = 64 * 1024;
/** Our own export timer fires a little after the OTLP exporter's, so the exporter reports first. */
const EXPORT_TIMER_SLACK_MILLIS = 500;

/** X-Ray's own tracer provider and the processor that feeds its exporter. */
export interface XRayPipeline {
  provider: BasicTracerProvider;
  processor: BoundedBatchProcessor;
}

/**
 * X-Ray's own tracer provider: bounded batch processor -> OTLP/HTTP protobuf (or the injected
 * exporter). Never registered globally (the "route" mode): it neither sees nor changes the
 * application's tracing, and the application's limits (128 events per span by default), sampler and
 * exporter neither apply to X-Ray's spans nor see them. The processor's queue takes its bytes from
 * `budget`, which pending payload uploads share.
 */
export function createPipeline(opts: ResolvedOptions, stats: XRayStats, warn: Warn, budget: QueueBudget): XRayPipeline {
  const exporter = opts.exporter ?? createOtlpExporter(opts);
  const processor = new BoundedBatchProcessor(
    exporter,
    {
      maxQueueSpans: opts.maxQueueSpans,
      maxQueueBytes: opts.maxQueueBytes,
      maxExportBytes: opts.maxExportBytes,
      maxExportSpans: MAX_EXPORT_SPANS,
      scheduledDelayMillis: SCHEDULED_DELAY_MILLIS,
      exportTimeoutMillis: opts.exportTimeoutMillis + EXPORT_TIMER_SLACK_MILLIS,
      budget,
    },
    stats,
    warn
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    // Explicit, so OTEL_TRACES_SAMPLER cannot silently sample X-Ray's runs away.
    sampler: new AlwaysOnSampler(),
    ...(opts.idGenerator ? { idGenerator: opts.idGenerator } : {}),
    spanLimits: {
      // The recorder never puts more than decisionsPerSpan events on a span: none is dropped.
      eventCountLimit: opts.decisionsPerSpan,
      attributeCountLimit: ATTRIBUTE_COUNT_LIMIT,
      attributePerEventCountLimit: ATTRIBUTE_COUNT_LIMIT,
      linkCountLimit: ATTRIBUTE_COUNT_LIMIT,
      // Inline payloads are at most inlinePayloadBytes of valid JSON (larger ones travel by
      // reference); OTel's own cut would break the JSON.
      attributeValueLengthLimit: Math.max(MIN_ATTRIBUTE_VALUE_LENGTH, opts.inlinePayloadBytes),
    },
    spanProcessors: [processor],
  });
  return { provider, processor };
}

/**
 * The OTLP/HTTP protobuf exporter. Its retries already follow the OTLP rules (429/502/503/504 and
 * dropped connections, jittered backoff, `Retry-After`, never 400/401/413; see network.test.ts),
 * so X-Ray relies on them. Its sockets are unref'd: an export in flight never keeps the host alive.
 */
function createOtlpExporter(opts: ResolvedOptions): SpanExporter {
  return withoutApplicationOtlpSettings(
    () =>
      new OTLPTraceExporter({
        url: opts.endpoint,
        headers: opts.headers,
        timeoutMillis: opts.exportTimeoutMillis,
        // Loaded lazily, as the exporter's docs ask, so http instrumentation can patch the module first.
        httpAgentOptions: async (protocol: string): Promise<Agent> => unrefAgent(await httpModule(protocol)),
      })
  );
}

/** The environment variables with which an application configures its own OTLP exporters. */
const APPLICATION_OTLP_SETTING = /^OTEL_EXPORTER_OTLP_/;

/**
 * Runs `build` with the application's `OTEL_EXPORTER_OTLP_*` settings hidden. OpenTelemetry's
 * exporter merges them into any exporter it builds: the headers of the application's tracing vendor
 * (its API key), its certificates and compression would go to X-Ray. The exporter reads them while
 * it is constructed, synchronously, so no other code of this thread sees them missing (worker
 * threads have their own copy of the environment).
 */
function withoutApplicationOtlpSettings<T>(build: () => T): T {
  const hidden = Object.entries(process.env).filter(([name]) => APPLICATION_OTLP_SETTING.test(name));
  for (const [name] of hidden) delete process.env[name];
  try {
    return build();
  } finally {
    for (const [name, value] of hidden) process.env[name] = value;
  }
}

import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';

/**
 * The spans of one run with one filter step of `decisions` decisions (a third eliminated, each with
 * a score and its item as input), recorded by the real SDK in full: the bodies the receiver and
 * decoder benchmarks send.
 */
export async function recordStepSpans(decisions: number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: 'full' });
  const runId = await xray.startRun('bench', undefined);
  const items = Array.from({ length: decisions }, (_, i) => ({ id: `item-${i}`, title: `Item ${i}` }));
  await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) =>
      input.map((it, i) => ({
        itemId: it.id,
        outcome: i % 3 ? KEPT : ELIMINATED,
        reason: i % 3 ? 'passes' : 'Missing required keywords: security',
        score: i / decisions,
        input: it,
      })),
    items
  );
  await xray.endRun(runId, undefined);
  await xray.flush();
  const spans = memory.getFinishedSpans();
  await xray.shutdown();
  return spans;
}

/** `spans` as the OpenTelemetry OTLP/HTTP exporters serialise them, in both encodings. */
export function otlpBodies(spans: ReadableSpan[]): { protobuf: Uint8Array; json: Uint8Array } {
  return {
    protobuf: ProtobufTraceSerializer.serializeRequest(spans)!,
    json: JsonTraceSerializer.serializeRequest(spans)!,
  };
}

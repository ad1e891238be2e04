import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { makeItems, type Item } from './generator.js';
import { sentSpan, type SentSpan } from './ledger.js';

/** One real OTLP export request, as the SDK would send it, in both encodings, with what it holds. */
export interface OtlpBody {
  spans: SentSpan[];
  protobuf: Buffer;
  json: Buffer;
}

export const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;

/**
 * `count` requests of one run each (a filter step over `items` items, capture `full`), recorded by
 * the real SDK into memory and encoded by OpenTelemetry's own serialisers: what a raw HTTP sender
 * (fuzzing, flooding, probing) posts instead of going through the SDK's exporter.
 */
export async function makeBodies(label: string, count: number, items: number): Promise<OtlpBody[]> {
  const bodies: OtlpBody[] = [];
  for (let r = 0; r < count; r++) {
    const memory = new InMemorySpanExporter();
    const xray = new XRay({ exporter: memory, capture: 'full' });
    const list = makeItems(label, r, items);
    const runId = await xray.startRun(`${label}-${r}`, { run: r });
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: Item[]) =>
        input.map((it) => ({
          itemId: it.id,
          outcome: it.score >= 30 ? KEPT : ELIMINATED,
          reason: `score ${it.score}`,
          input: it,
        })),
      list
    );
    await xray.endRun(runId, undefined);
    await xray.flush();
    const spans = memory.getFinishedSpans();
    await xray.shutdown();
    bodies.push({
      spans: spans.map((s) => sentSpan(s)),
      protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
      json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
    });
  }
  return bodies;
}

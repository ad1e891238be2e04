import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_XRAY_SPAN_KIND, CaptureLevels } from '@xray/otel';
import { ELIMINATED, KEPT, XRay, type Decision } from './index.js';

// What the client's tests share: a client exporting to memory, and a filter step over scored items.

export interface Item {
  id: number;
  score: number;
}

/**
 * Options of the clients that export to memory: payloads up to 1 MiB stay in their spans. There is
 * no receiver in these tests, so larger ones would be uploaded to nowhere and flush() would wait for
 * the retries (payloads.test.ts covers uploads against a local stand-in).
 */
export const IN_MEMORY_PAYLOADS = { inlinePayloadBytes: 1024 * 1024 } as const;

export function client(exporter: SpanExporter = new InMemorySpanExporter()) {
  const xray = new XRay({ exporter, capture: CaptureLevels.FULL, ...IN_MEMORY_PAYLOADS });
  return { xray, exporter };
}

export async function exported(xray: XRay, memory: InMemorySpanExporter): Promise<ReadableSpan[]> {
  await xray.flush();
  return memory.getFinishedSpans();
}

export const ofKind = (spans: ReadableSpan[], kind: string) =>
  spans.filter((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === kind);

export const filterBy =
  (threshold: number) =>
  (items: Item[]): Decision<Item>[] =>
    items.map((item) => ({
      itemId: item.id,
      outcome: item.score > threshold ? KEPT : ELIMINATED,
      reason: `Score ${item.score} vs threshold ${threshold}`,
      score: item.score,
      input: item,
    }));

export const items: Item[] = Array.from({ length: 10 }, (_, i) => ({ id: i, score: i / 10 }));

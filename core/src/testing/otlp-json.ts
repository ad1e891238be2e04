/**
 * X-Ray spans -> an OTLP/JSON `ExportTraceServiceRequest`: the inverse of `decodeOtlpJson`, for
 * tests, benchmarks and tools that write queue messages from spans they already hold.
 */
import type { AttrValue, Attributes, XSpan } from '../model/span.js';

/** An OTLP/JSON body holding `spans` (one resource, one scope) that decodes back to the same spans. */
export function encodeOtlpJson(spans: readonly XSpan[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: '@xray/core' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              name: s.name,
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: s.endTimeUnixNano,
              attributes: keyValues(s.attributes),
              events: s.events.map((e) => ({
                timeUnixNano: e.timeUnixNano,
                name: e.name,
                attributes: keyValues(e.attributes),
              })),
              status: s.status,
            })),
          },
        ],
      },
    ],
  });
}

function keyValues(attributes: Attributes): { key: string; value: object }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: AttrValue): object {
  if (value === null) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * Rough protobuf cost of a span and of an event beyond their attribute strings (ids, timestamps,
 * field tags, status). Overestimating slightly is the safe side.
 */
const SPAN_OVERHEAD_BYTES = 160;
const EVENT_OVERHEAD_BYTES = 24;
/** Per attribute: key/value framing; numbers and booleans are at most 8 bytes of payload. */
const ATTRIBUTE_OVERHEAD_BYTES = 8;

/** Estimated encoded size of some attributes: key and string lengths plus framing. */
export function estimateAttributesBytes(attributes: Attributes): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key];
    bytes += key.length + ATTRIBUTE_OVERHEAD_BYTES;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) {
      for (const item of value) bytes += typeof item === 'string' ? item.length + 2 : 9;
    } else bytes += 8;
  }
  return bytes;
}

/**
 * Estimated OTLP protobuf size of a span. It counts UTF-16 units, not UTF-8 bytes, so non-ASCII
 * text can be up to 3x larger on the wire: budgets built on it must leave that headroom.
 */
export function estimateSpanBytes(span: ReadableSpan): number {
  let bytes = SPAN_OVERHEAD_BYTES + span.name.length + estimateAttributesBytes(span.attributes);
  for (const event of span.events) {
    bytes += EVENT_OVERHEAD_BYTES + event.name.length;
    if (event.attributes) bytes += estimateAttributesBytes(event.attributes);
  }
  for (const link of span.links) {
    bytes += SPAN_OVERHEAD_BYTES / 2;
    if (link.attributes) bytes += estimateAttributesBytes(link.attributes);
  }
  return bytes;
}

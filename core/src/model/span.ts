/**
 * X-Ray's decoded span: what the receiver builds from OTLP (protobuf or JSON) and what the queue
 * carries to the processor. Only what X-Ray needs survives decoding.
 */

/** An attribute value as OTLP's AnyValue, decoded. 64-bit integers beyond 2^53 stay strings. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

export interface XEvent {
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
}

export interface XSpan {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** 16 lowercase hex chars, or '' for a root span. */
  parentSpanId: string;
  name: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: XEvent[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

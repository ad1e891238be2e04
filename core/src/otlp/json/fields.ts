/**
 * The fields the OTLP/JSON decoder reads, by message, as protobuf JSON names them (lowerCamelCase)
 * from opentelemetry-proto. The index of a name is what `member` (cursor.ts) returns for it; the
 * readers skip any other member.
 */

/** A message's fields, by name, as UTF-8. */
const fields = (...names: string[]): readonly Uint8Array[] => names.map((n) => new TextEncoder().encode(n));

export const REQUEST = fields('resourceSpans');
export const RESOURCE_SPANS = fields('scopeSpans');
export const SCOPE_SPANS = fields('spans');
export const SPAN = fields(
  'traceId',
  'spanId',
  'parentSpanId',
  'name',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'status',
  'attributes',
  'events'
);
export const STATUS = fields('code', 'message');
export const EVENT = fields('timeUnixNano', 'name', 'attributes');
export const KEY_VALUE = fields('key', 'value');
/** AnyValue's fields, in the order the first one set (not null) is taken. */
export const ANY_VALUE = fields(
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue'
);
/** ArrayValue.values and KeyValueList.values. */
export const VALUES = fields('values');

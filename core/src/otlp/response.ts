/**
 * OTLP/HTTP response bodies: `ExportTraceServiceResponse` for 200, `google.rpc.Status` for errors,
 * in the request's encoding (opentelemetry-proto docs/specification.md, "OTLP/HTTP Response").
 */

/** The two OTLP/HTTP encodings. */
export type OtlpFormat = 'protobuf' | 'json';

/** Content type of each encoding, for requests and responses alike. */
export const OTLP_CONTENT_TYPES: Readonly<Record<OtlpFormat, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The google.rpc.Code values the receiver puts in error bodies. */
export const RpcCodes = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Spans refused in an otherwise accepted request (ExportTracePartialSuccess). */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

const utf8 = new TextEncoder();

/**
 * The body of a 200 answer. Without `partial` (or with 0 rejected spans) it is the empty message,
 * which the specification requires on full success.
 */
export function encodeExportResponse(format: OtlpFormat, partial?: PartialSuccess): Uint8Array | string {
  const rejected = partial !== undefined && partial.rejectedSpans > 0 ? partial : undefined;
  if (format === 'json') {
    if (rejected === undefined) return '{}';
    // int64 as a string, as protobuf JSON writes it.
    return JSON.stringify({
      partialSuccess: { rejectedSpans: String(rejected.rejectedSpans), errorMessage: rejected.errorMessage },
    });
  }
  if (rejected === undefined) return new Uint8Array(0);
  const inner = concat([
    field(1, varint(rejected.rejectedSpans)),
    lengthDelimited(2, utf8.encode(rejected.errorMessage)),
  ]);
  return lengthDelimited(1, inner);
}

/** The body of a 4xx/5xx answer: a google.rpc.Status with a gRPC code and a sentence. */
export function encodeStatus(format: OtlpFormat, code: number, message: string): Uint8Array | string {
  if (format === 'json') return JSON.stringify({ code, message });
  return concat([field(1, varint(code)), lengthDelimited(2, utf8.encode(message))]);
}

/** Tag for a varint field followed by its value. */
function field(fieldNumber: number, value: Uint8Array): Uint8Array {
  return concat([varint(fieldNumber << 3), value]);
}

function lengthDelimited(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return concat([varint((fieldNumber << 3) | 2), varint(bytes.length), bytes]);
}

/** A non-negative integer below 2^53 as a protobuf varint. */
function varint(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Either OTLP encoding by name: the receiver checks a body with {@link checkOtlp}, the processor
 * decodes the same bytes with {@link decodeOtlp}, and both reach the same verdict.
 */
import type { DecodeResult } from './result.js';
import { checkOtlpJson, decodeOtlpJson } from './json.js';
import type { OtlpTraces, OtlpVerdict } from './verdict.js';
import { checkOtlpProtobuf, decodeOtlpProtobuf } from './protobuf.js';
import type { OtlpFormat } from './response.js';

/** Accepted, ignored and rejected spans of a body, without building the spans. */
export function checkOtlp(format: OtlpFormat, body: Uint8Array): DecodeResult<OtlpVerdict> {
  return format === 'protobuf' ? checkOtlpProtobuf(body) : checkOtlpJson(body);
}

/** The same verdict as {@link checkOtlp}, with the accepted spans built. */
export function decodeOtlp(format: OtlpFormat, body: Uint8Array): DecodeResult<OtlpTraces> {
  return format === 'protobuf' ? decodeOtlpProtobuf(body) : decodeOtlpJson(body);
}

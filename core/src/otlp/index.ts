/** OTLP trace decoding and OTLP/HTTP response encoding: pure functions, no I/O. */
export { checkOtlp, decodeOtlp } from './decode.js';
export { checkOtlpProtobuf, decodeOtlpProtobuf } from './protobuf.js';
export { checkOtlpJson, decodeOtlpJson } from './json.js';
export type { DecodeResult } from './result.js';
export {
  MAX_ANY_VALUE_DEPTH,
  rejectionMessage,
  rejectionReason,
  type OtlpTraces,
  type OtlpVerdict,
  type SpanRejection,
} from './verdict.js';
export {
  OTLP_CONTENT_TYPES,
  RpcCodes,
  encodeExportResponse,
  encodeStatus,
  type OtlpFormat,
  type PartialSuccess,
} from './response.js';

/**
 * Helpers for tests, benchmarks and tools only: writing what production only reads (OTLP/JSON
 * bodies from decoded spans, version 1 queue messages). No service imports this.
 */
export { encodeOtlpJson } from './otlp-json.js';
export { encodeQueueMessageV1 } from './queue-v1.js';

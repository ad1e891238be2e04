import type { QueueMessageV1 } from '../ingest/queue.js';

/** The JSON of a version 1 queue message, as version 1 receivers wrote it (`QUEUE_FIELD_V1`). */
export function encodeQueueMessageV1(message: QueueMessageV1): string {
  return JSON.stringify(message);
}

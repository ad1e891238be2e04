/** The queue between receiver and processor: the Redis Stream message contract and its dead letters. */
export {
  QueueFields,
  QUEUE_FIELD_V1,
  QUEUE_MESSAGE_VERSION,
  decodeQueueEntry,
  decodeQueueMessageV1,
  encodeQueueEntry,
  type QueueEntryFields,
  type QueueMessage,
  type QueueMessageV1,
  type QueuedSpans,
} from './queue.js';
export { DeadLetterFields, deadLetterStream } from './dead-letters.js';
export { DEFAULT_CONSUMER_GROUP, DEFAULT_STREAM } from './defaults.js';

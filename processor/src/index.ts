export { ClickHouseWriter, type ClickHouseOptions } from './clickhouse.js';
export { loadConfig, type ProcessorConfig } from './config.js';
export { RedisDeadLetters } from './dead-letters.js';
export {
  Processor,
  type BatchSink,
  type DeadLetters,
  type ProcessorOptions,
  type ProcessorStats,
} from './processor.js';
export { PayloadWriter, type S3Options } from './s3.js';
export { GroupConsumer, type StreamEntry, type StreamOptions } from './stream.js';

/** X-Ray receiver: OTLP/HTTP trace exports in, X-Ray spans out to a Redis Stream. */
export { createApp, type Receiver, type ReceiverDeps, type ReceiverStats } from './app.js';
export { ConfigError, DEFAULT_MAX_BODY_BYTES, parseConfig, type ReceiverConfig } from './config.js';
export { silentLogger, type Logger } from './logger.js';
export { type PayloadStats, type PayloadUploads } from './payload-route.js';
export { S3PayloadStore, type PayloadStore } from './payload-store.js';
export { RedisSpanQueue, createRedisSpanQueue, type RedisSpanQueueOptions, type SpanQueue } from './queue.js';

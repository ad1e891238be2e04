export { ClickHouseHttpServer, type ClickHouseHttpServerOptions } from './clickhouse/server.js';
export { COLLECTOR_CONFIG, collectorBinary, startCollector, type Collector } from './collector.js';
export { freePort } from './ports.js';
export { script, spawnService, waitForHttp, type ServiceProcess, type SpawnOptions } from './process.js';
export { ensureRedis, redisAnswers, stopRedis } from './redis.js';
export {
  startServices,
  startStorage,
  type Services,
  type ServicesOptions,
  type Storage,
  type StorageOptions,
} from './stack.js';
export { makeDocs, PIPELINE, runPipeline, type Doc } from './demo/pipeline.js';
export { pluginDir, startPluginPreview, type PluginPreview, type PluginSettings } from './plugin-preview.js';

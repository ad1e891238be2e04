/**
 * The shell every X-Ray service process shares: typed environment settings and their errors, the
 * defaults more than one service uses, one logger, the ops endpoints, one outage classifier, and
 * the process lifecycle. No network clients: each service's main.ts opens its own.
 */
export { ConfigError, type ConfigProblem } from './config-error.js';
export {
  AUTH_CACHE_SETTING,
  DEFAULT_HOST,
  DEFAULT_PORTS,
  DEFAULT_REDIS_URL,
  REDIS_URL_SETTING,
  authStoreSetting,
} from './defaults.js';
export {
  createLogger,
  formatLogLine,
  silentLogger,
  withFields,
  type LogFields,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './logger.js';
export {
  PROMETHEUS_CONTENT_TYPE,
  byLabel,
  processMetrics,
  readiness,
  renderMetrics,
  type MetricFamily,
  type MetricSample,
} from './metrics.js';
export { createOpsApp, type OpsOptions } from './ops.js';
export { classifyOutage, isOutage, type Outage } from './outage.js';
export { runService, type RunServiceOptions, type RunningService, type ServiceProcess } from './run.js';
export {
  checkedSetting,
  integerSetting,
  portSetting,
  readSetting,
  readSettings,
  redisUrlSetting,
  textSetting,
  type Env,
  type Invalid,
  type Parsed,
  type Setting,
  type SettingValues,
} from './settings.js';

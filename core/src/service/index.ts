/** What every X-Ray service process shares: reading its environment and serving its metrics. */
export { readInteger } from './env.js';
export {
  PROMETHEUS_CONTENT_TYPE,
  byLabel,
  processMetrics,
  readiness,
  renderMetrics,
  type MetricFamily,
  type MetricSample,
} from './metrics.js';

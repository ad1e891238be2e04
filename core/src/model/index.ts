/** The vocabulary every part of X-Ray shares: the decoded span, id formats and time conversions. */
export type { AttrValue, Attributes, XEvent, XSpan } from './span.js';
export { PROJECT_ID_RE, RUN_ID_RE, STEP_ID_RE, formatEventId, parseEventId } from './ids.js';
export {
  MAX_NANOS,
  clickhouseTimeToIso,
  isStorableNanos,
  nanosToClickHouse,
  nanosToIso,
  nanosToMillis,
} from './time.js';
export { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from './retention.js';

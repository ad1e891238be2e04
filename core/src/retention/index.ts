/**
 * Removing stored data: a run on request (behind a tombstone), a whole project, and what has
 * outlived its retention (whole partitions and day prefixes). What the processor's janitor and
 * the query API's `DELETE /v1/runs/{id}` run; the rule of when data expires is in
 * core/src/storage/retention.ts.
 */
export {
  DELETE_BATCH_KEYS,
  clickhouseSql,
  s3Objects,
  type ClickHouseLike,
  type ObjectStore,
  type RetentionDeps,
  type SqlClient,
  type SqlParams,
  type SqlSettings,
} from './ports.js';
export {
  DeleteStages,
  deleteRun,
  pendingDeletions,
  type DeleteRunDeps,
  type DeleteStage,
  type RunDeletion,
} from './delete-run.js';
export { purgeProject, type ProjectPurge } from './purge-project.js';
export {
  dropExpiredPartitions,
  expireObjects,
  type DroppedPartition,
  type ObjectExpiry,
  type PartitionDrop,
} from './expire.js';
export { restampProject, type ProjectRestamp } from './restamp.js';
export { LIFECYCLE_RULE_PREFIX, MAX_LIFECYCLE_RULES, setLifecycleRules } from './lifecycle.js';
export { projectDays } from './days.js';

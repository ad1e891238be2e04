/**
 * Where and how X-Ray stores what it receives: the ClickHouse rows and schema (numbered migrations,
 * their cluster form), the mapping of spans to rows and payload objects, the S3 keys, and the
 * storage settings every service reads the same way.
 */
export {
  ITEM_DECISION_COLUMNS,
  PAYLOAD_REF_FIELDS,
  Tables,
  eliminationRatio,
  type DecisionRow,
  type PayloadRef,
  type RunRow,
  type StepRow,
} from './rows.js';
export {
  DEDUP_MIN_BYTES,
  emptyBatch,
  encodeBatch,
  mapSpans,
  type BlobToWrite,
  type WriteBatch,
} from './mapping/index.js';
export { BLOB_BYTES_METADATA, blobKey, byteRange, dayOf, dayPrefix, payloadKey } from './s3-keys.js';
export {
  COMPRESSED_SUFFIX,
  compressPayload,
  compressStream,
  decompressPayload,
  decompressPayloadSync,
  decompressStream,
  isCompressedKey,
} from './payloads/codec.js';
export { FRAME_BYTES, FRAME_RECORDS, type PayloadObject } from './payloads/frames.js';
export { blobObject } from './payloads/blob.js';
export { recordInRange, recordInRangeSync, type RecordIdentity } from './payloads/records.js';
export {
  SCHEMA_MIGRATIONS_DDL,
  SCHEMA_MIGRATIONS_TABLE,
  loadMigrations,
  nextTable,
  parseMigration,
  type Migration,
} from './migrations.js';
export { columnNames, movePlan, type MovePlan } from './moves.js';
export {
  RETAINED_TABLES,
  RETENTION_COLUMN,
  dayExpired,
  dayExpiresAt,
  parsePartition,
  partitionExpired,
  type RetentionPartition,
} from './retention.js';
export { migrate, type MigrateOptions, type MigrationClient } from './migrate.js';
export {
  LOCAL_SUFFIX,
  SHARDING_KEYS,
  assertIdentifier,
  clusterStatements,
  type ClusterOptions,
  createDatabaseStatement,
  schemaStatements,
  type ClusterTarget,
} from './cluster.js';
export { parseCreateTable, type ParsedCreateTable } from './ddl-parse.js';
export {
  DEFAULT_BUCKET,
  DEFAULT_DATABASE,
  readStorageSettings,
  s3ClientConfig,
  type StorageSettings,
} from './settings.js';

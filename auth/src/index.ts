export {
  type AuthResult,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  keyFromHeader,
} from './authenticator.js';
export {
  generateKey,
  hashSecret,
  KEY_ID_RE,
  KEY_KINDS,
  type KeyKind,
  parseKey,
  type ParsedKey,
  secretMatches,
} from './keys.js';
export {
  createKey,
  type CreateKeyOptions,
  type CreatedKey,
  createProject,
  finishProjectDeletion,
  ManageError,
  openKeyStore,
  type ProjectKeys,
  provisionProject,
  requestProjectDeletion,
  restoreProject,
  revokeKey,
  setRetention,
} from './manage.js';
export {
  createRetentionLookup,
  DEFAULT_RETENTION_DAYS,
  MAX_RETENTION_DAYS,
  parseRetentionDays,
  RETENTION_DAYS_SETTING,
  type Retention,
  retentionDefault,
  type RetentionLookupOptions,
  retentionOf,
} from './retention.js';
export { fileKeyStore } from './file-store.js';
export { redisKeyStore } from './redis-store.js';
export {
  DEFAULT_REDIS_PREFIX,
  type KeyRecord,
  type KeyStore,
  parseStoreSetting,
  type ProjectRecord,
  type RateLimits,
  type StoreSetting,
} from './store.js';
export { type LazyRedis, lazyRedis } from './lazy-redis.js';

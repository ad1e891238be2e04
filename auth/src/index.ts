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
  ManageError,
  openKeyStore,
  type ProjectKeys,
  provisionProject,
  restoreProject,
  revokeKey,
} from './manage.js';
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

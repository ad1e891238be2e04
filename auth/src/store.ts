/** Where projects and hashed keys live, and the one setting that chooses it. */
import type { KeyKind } from './keys.js';

/** A tenant: every row, S3 key and query belongs to exactly one project. */
export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: string;
  /** How many days the project's data is kept (a whole number, 1 to 3650); absent: the deployment's default. */
  retentionDays?: number;
  /**
   * ISO time `xray delete project` asked for the project's data to be removed: its keys are revoked,
   * the janitor purges its data and then removes the project (and this record).
   */
  deletingSince?: string;
}

/** Per-key rate limits; unset fields fall back to the receiver's defaults. 0 means unlimited. */
export interface RateLimits {
  spansPerSecond?: number;
  bytesPerSecond?: number;
}

/** A stored key: never the key itself, only the hash of its secret. */
export interface KeyRecord {
  id: string;
  projectId: string;
  kind: KeyKind;
  /** Hex SHA-256 of the key's secret. */
  hash: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
  limits?: RateLimits;
}

/** The storage operations key management and authentication need. */
export interface KeyStore {
  getKey(keyId: string): Promise<KeyRecord | undefined>;
  /** Creates or replaces a key record. */
  putKey(record: KeyRecord): Promise<void>;
  listKeys(): Promise<KeyRecord[]>;
  getProject(projectId: string): Promise<ProjectRecord | undefined>;
  /** Removes a key record; nothing happens when there is none. */
  removeKey(keyId: string): Promise<void>;
  /** Creates the project unless one with its id exists; false when it did. */
  addProject(record: ProjectRecord): Promise<boolean>;
  /** Creates or replaces a project record. */
  putProject(record: ProjectRecord): Promise<void>;
  /** Removes a project record (not its keys); nothing happens when there is none. */
  removeProject(projectId: string): Promise<void>;
  listProjects(): Promise<ProjectRecord[]>;
  /** Human-readable location, for messages (never holds a password). */
  readonly description: string;
  close(): Promise<void>;
}

/** Default Redis key prefix of the Redis store. */
export const DEFAULT_REDIS_PREFIX = 'xray:auth';

/** A parsed XRAY_AUTH_STORE value. */
export type StoreSetting = { type: 'redis'; prefix: string } | { type: 'file'; path: string };

/**
 * Parses XRAY_AUTH_STORE: `redis` (the default; the service's REDIS_URL, keys under `xray:auth:`),
 * `redis:<prefix>`, or `file:<path>` (a JSON file, for a single machine). Throws a sentence naming
 * the accepted forms.
 */
export function parseStoreSetting(raw: string | undefined): StoreSetting {
  const value = raw?.trim() || 'redis';
  if (value === 'redis') return { type: 'redis', prefix: DEFAULT_REDIS_PREFIX };
  if (value.startsWith('redis:') && value.length > 'redis:'.length)
    return { type: 'redis', prefix: value.slice('redis:'.length) };
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return { type: 'file', path: value.slice('file:'.length) };
  throw new Error(
    `XRAY_AUTH_STORE must be "redis", "redis:<key prefix>" or "file:<path>"; got ${JSON.stringify(value)}`
  );
}

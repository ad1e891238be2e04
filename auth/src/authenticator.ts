/**
 * Request authentication: reads the key from an Authorization header (Bearer, or Basic as OTLP
 * exporters' header settings make easy), finds its record by id, checks the secret in constant
 * time. Records are cached briefly so a request costs no store round trip; revocation takes
 * effect within the cache time. While the store is unreachable, cached records keep working and
 * unknown keys get 503 (not 401: the key may well be valid).
 */
import { type KeyKind, parseKey, secretMatches } from './keys.js';
import type { KeyRecord, KeyStore } from './store.js';

/** The verdict on one request's credentials. */
export type AuthResult = { ok: true; key: KeyRecord } | { ok: false; status: 401 | 403 | 503; message: string };

export interface AuthenticatorOptions {
  /** The kind, or kinds, of key this service takes: `'ingest'` (the receiver), `['read', 'admin']` (the query API). */
  kind: KeyKind | readonly KeyKind[];
  /** How long a looked-up record is trusted, in ms (default 5,000). */
  cacheMillis?: number;
  /** Most records (and misses) held in the cache (default 10,000). */
  maxCached?: number;
  now?: () => number;
}

export type Authenticator = (authorization: string | null | undefined) => Promise<AuthResult>;

const KEY_NAMES: Record<KeyKind, string> = {
  ingest: 'ingest key (xri_…)',
  read: 'read key (xrr_…)',
  admin: 'admin key (xra_…)',
};

export function createAuthenticator(store: KeyStore, options: AuthenticatorOptions): Authenticator {
  const kinds: readonly KeyKind[] = typeof options.kind === 'string' ? [options.kind] : options.kind;
  if (kinds.length === 0) throw new Error('An authenticator needs at least one kind of key to accept.');
  const needs = `the project's ${kinds.map((k) => KEY_NAMES[k]).join(' or ')}`;
  const cacheMillis = options.cacheMillis ?? 5000;
  const maxCached = options.maxCached ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { record: KeyRecord | undefined; at: number }>();
  const deny = (status: 401 | 403 | 503, message: string): AuthResult => ({ ok: false, status, message });

  const lookup = async (keyId: string): Promise<KeyRecord | undefined | 'unavailable'> => {
    const hit = cache.get(keyId);
    if (hit && now() - hit.at < cacheMillis) return hit.record;
    let record: KeyRecord | undefined;
    try {
      record = await store.getKey(keyId);
    } catch {
      return hit ? hit.record : 'unavailable';
    }
    cache.delete(keyId);
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
    cache.set(keyId, { record, at: now() });
    return record;
  };

  return async (authorization) => {
    const key = keyFromHeader(authorization);
    if (key === undefined) return deny(401, `Send an API key in the Authorization header ("Bearer <key>"): ${needs}.`);
    const parsed = parseKey(key);
    if (!parsed)
      return deny(
        401,
        'The API key is malformed: keys look like xri_… (ingest), xrr_… (read) or xra_… (admin), as printed when they were created.'
      );
    const record = await lookup(parsed.keyId);
    if (record === 'unavailable')
      return deny(503, 'API keys cannot be checked right now (key store unreachable); retry shortly.');
    if (!record || !secretMatches(parsed.secret, record.hash)) return deny(401, 'The API key is not valid.');
    if (record.revokedAt) return deny(401, `The API key ${record.id} was revoked; create a new one (xray create key).`);
    if (!kinds.includes(record.kind))
      return deny(403, `This is ${article(record.kind)} key; this service needs ${needs}.`);
    return { ok: true, key: record };
  };
}

const article = (kind: KeyKind) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** The key in `Authorization: Bearer <key>` or `Basic base64(user:password)` (key as password, or as user with no password). */
export function keyFromHeader(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return decoded || undefined;
  const password = decoded.slice(colon + 1);
  return password || decoded.slice(0, colon) || undefined;
}

/**
 * API key format. A key is `xri_<keyId>_<secret>` (ingest), `xrr_<keyId>_<secret>` (read) or
 * `xra_<keyId>_<secret>` (admin): the key id finds the stored record, the secret is checked against the record's SHA-256 hash in
 * constant time. Only the hash is ever stored; the whole key is shown once, when it is created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a key may do: send traces (`ingest`), read them through the query API (`read`), or read and
 * delete them through the query API (`admin`; an admin key cannot send traces).
 */
export type KeyKind = 'ingest' | 'read' | 'admin';
export const KEY_KINDS: readonly KeyKind[] = ['ingest', 'read', 'admin'];

const PREFIX: Record<KeyKind, string> = { ingest: 'xri', read: 'xrr', admin: 'xra' };
/** The kind named by the letter after `xr` in a key. */
const KIND_OF_LETTER: Readonly<Record<string, KeyKind>> = { i: 'ingest', r: 'read', a: 'admin' };
const KEY_RE = /^xr([ira])_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Key ids: 12 lowercase hex characters. */
export const KEY_ID_RE = /^[0-9a-f]{12}$/;

/** A key taken apart. */
export interface ParsedKey {
  kind: KeyKind;
  keyId: string;
  secret: string;
}

/** A new key of `kind`, with the hash to store. The key itself is never stored. */
export function generateKey(kind: KeyKind): { key: string; keyId: string; hash: string } {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `${PREFIX[kind]}_${keyId}_${secret}`, keyId, hash: hashSecret(secret) };
}

/** Splits a key into kind, id and secret; `undefined` when it does not have the key format. */
export function parseKey(key: string): ParsedKey | undefined {
  const match = KEY_RE.exec(key);
  if (!match) return undefined;
  return { kind: KIND_OF_LETTER[match[1]!]!, keyId: match[2]!, secret: match[3]! };
}

/** The stored form of a key's secret: hex SHA-256 (secrets are 256 random bits, so no slow hash is needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = createHash('sha256').update(secret).digest();
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

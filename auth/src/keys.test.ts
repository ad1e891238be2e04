import { describe, expect, it } from 'vitest';
import { generateKey, hashSecret, KEY_KINDS, parseKey, secretMatches } from './keys.js';

describe('API keys', () => {
  it('generates keys that parse back to their kind, id and the secret behind the hash', () => {
    const prefixes = { ingest: /^xri_/, read: /^xrr_/, admin: /^xra_/ };
    for (const kind of KEY_KINDS) {
      const { key, keyId, hash } = generateKey(kind);
      expect(key).toMatch(prefixes[kind]);
      const parsed = parseKey(key)!;
      expect(parsed).toMatchObject({ kind, keyId });
      expect(secretMatches(parsed.secret, hash)).toBe(true);
      expect(hash).not.toContain(parsed.secret);
    }
  });

  it('never generates the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey('read').key));
    expect(keys.size).toBe(1000);
  });

  it('refuses malformed keys', () => {
    const { key } = generateKey('ingest');
    expect(parseKey(key.replace('xri_', 'xra_'))?.kind).toBe('admin'); // the same id and secret, an admin prefix
    for (const bad of [
      '',
      'xri_',
      key.slice(0, -1),
      `${key}x`,
      key.replace('xri_', 'xrx_'),
      key.toUpperCase(),
      ` ${key}`,
    ]) {
      expect(parseKey(bad)).toBeUndefined();
    }
  });

  it('matches only the exact secret, whatever the stored hash looks like', () => {
    const hash = hashSecret('s3cret');
    expect(secretMatches('s3cret', hash)).toBe(true);
    expect(secretMatches('s3cres', hash)).toBe(false);
    expect(secretMatches('s3cret', hash.slice(0, 62))).toBe(false);
    expect(secretMatches('s3cret', 'not hex')).toBe(false);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator, keyFromHeader } from './authenticator.js';
import { fileKeyStore } from './file-store.js';
import { createKey, provisionProject, revokeKey } from './manage.js';
import { redisKeyStore } from './redis-store.js';
import type { KeyStore } from './store.js';

const dir = await mkdtemp(join(tmpdir(), 'xray-authn-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const bearer = (key: string) => `Bearer ${key}`;

describe('authenticator', () => {
  it('accepts the right kind of key and names its project; refuses the rest with 401 or 403', async () => {
    const store = fileKeyStore(join(dir, 'a.json'));
    const keys = await provisionProject(store, 'acme');
    const ingest = createAuthenticator(store, { kind: 'ingest' });
    const ok = await ingest(bearer(keys.ingestKey));
    expect(ok.ok && ok.key.projectId).toBe('acme');
    expect(await ingest(undefined)).toMatchObject({
      ok: false,
      status: 401,
      message: expect.stringMatching(/Authorization header/),
    });
    expect(await ingest('Bearer xri_nonsense')).toMatchObject({
      status: 401,
      message: expect.stringMatching(/malformed/),
    });
    expect(await ingest(bearer(`${keys.ingestKey.slice(0, -3)}abc`))).toMatchObject({
      status: 401,
      message: 'The API key is not valid.',
    });
    expect(await ingest(bearer(keys.readKey))).toMatchObject({
      status: 403,
      message: expect.stringMatching(/read key/),
    });
  });

  it('takes several kinds where asked: the query API takes read and admin keys, the receiver neither admin nor read', async () => {
    const store = fileKeyStore(join(dir, 'd.json'));
    const keys = await provisionProject(store, 'acme');
    const admin = await createKey(store, 'acme', 'admin');
    expect(admin.key).toMatch(/^xra_/);
    const ingest = createAuthenticator(store, { kind: 'ingest' });
    expect(await ingest(bearer(admin.key))).toMatchObject({
      ok: false,
      status: 403,
      message: "This is an admin key; this service needs the project's ingest key (xri_…).",
    });
    const query = createAuthenticator(store, { kind: ['read', 'admin'] });
    const asAdmin = await query(bearer(admin.key));
    expect(asAdmin.ok && asAdmin.key).toMatchObject({ projectId: 'acme', kind: 'admin' });
    const asReader = await query(bearer(keys.readKey));
    expect(asReader.ok && asReader.key.kind).toBe('read');
    expect(await query(bearer(keys.ingestKey))).toMatchObject({
      status: 403,
      message: "This is an ingest key; this service needs the project's read key (xrr_…) or admin key (xra_…).",
    });
    expect(await query(undefined)).toMatchObject({
      status: 401,
      message: expect.stringMatching(/read key .* or admin key/),
    });
    expect(() => createAuthenticator(store, { kind: [] })).toThrow(/at least one kind/);
  });

  it('trusts a record for the cache time, then sees its revocation', async () => {
    const store = fileKeyStore(join(dir, 'b.json'));
    const keys = await provisionProject(store, 'acme');
    let now = 0;
    const read = createAuthenticator(store, { kind: 'read', cacheMillis: 1000, now: () => now });
    expect((await read(bearer(keys.readKey))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await revokeKey(store, keys.readKey);
    now = 999;
    expect((await read(bearer(keys.readKey))).ok).toBe(true);
    now = 1000;
    expect(await read(bearer(keys.readKey))).toMatchObject({ status: 401, message: expect.stringMatching(/revoked/) });
  });

  it('keeps cached keys working while the store is down, and answers 503 (not 401) for the others', async () => {
    const real = fileKeyStore(join(dir, 'c.json'));
    const keys = await provisionProject(real, 'acme');
    let down = false;
    const flaky: KeyStore = {
      ...real,
      getKey: (id) => (down ? Promise.reject(new Error('ECONNREFUSED')) : real.getKey(id)),
    };
    let now = 0;
    const ingest = createAuthenticator(flaky, { kind: 'ingest', cacheMillis: 10, now: () => now });
    expect((await ingest(bearer(keys.ingestKey))).ok).toBe(true);
    down = true;
    now = 100;
    expect((await ingest(bearer(keys.ingestKey))).ok).toBe(true);
    const other = await provisionProject(real, 'other');
    expect(await ingest(bearer(other.ingestKey))).toMatchObject({ ok: false, status: 503 });
  });

  it('answers 503 when the Redis store is unreachable, quickly', async () => {
    const store = redisKeyStore('redis://127.0.0.1:1', 'x');
    const started = Date.now();
    const result = await createAuthenticator(store, { kind: 'read' })(bearer(`xrr_abcdefabcdef_${'a'.repeat(43)}`));
    expect(result).toMatchObject({ ok: false, status: 503 });
    expect(Date.now() - started).toBeLessThan(3000);
    await store.close();
  });
});

describe('keyFromHeader', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    [`Basic ${b64('user:abc')}`, 'abc'],
    [`Basic ${b64('abc:')}`, 'abc'],
    [`Basic ${b64('abc')}`, 'abc'],
    ['Bearer ', undefined],
    ['Token abc', undefined],
    ['abc', undefined],
    [`Basic ${b64(':')}`, undefined],
  ])('%j -> %j', (header, key) => {
    expect(keyFromHeader(header)).toBe(key);
  });
});

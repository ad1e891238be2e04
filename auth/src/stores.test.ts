// Both stores against the real thing: a file in a temporary folder, and the Redis on 127.0.0.1:6379.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKeyStore } from './file-store.js';
import { createKey, createProject, ManageError, provisionProject, restoreProject, revokeKey } from './manage.js';
import { redisKeyStore } from './redis-store.js';
import type { KeyStore } from './store.js';
import { parseStoreSetting } from './store.js';

const dir = await mkdtemp(join(tmpdir(), 'xray-auth-test-'));
const prefix = `test:auth:${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const redis = new Redis('redis://127.0.0.1:6379');
  await redis.del(`${prefix}:keys`, `${prefix}:projects`);
  redis.disconnect();
});

const stores: [string, () => KeyStore][] = [
  ['file', () => fileKeyStore(join(dir, `keys-${randomBytes(3).toString('hex')}.json`))],
  ['redis', () => redisKeyStore('redis://127.0.0.1:6379', `${prefix}:${randomBytes(3).toString('hex')}`)],
];

describe.each(stores)('%s key store', (_name, open) => {
  it('creates projects once, keys for existing projects only, and revokes keys', async () => {
    const store = open();
    await createProject(store, 'acme', 'Acme search');
    await expect(createProject(store, 'acme')).rejects.toThrow(ManageError);
    await expect(createProject(store, 'Not Valid')).rejects.toThrow(/cannot be a project id/);
    await expect(createKey(store, 'nobody', 'read')).rejects.toThrow(/No project "nobody"/);
    const { key, record } = await createKey(store, 'acme', 'ingest', { name: 'ci', limits: { spansPerSecond: 5 } });
    expect(await store.getKey(record.id)).toEqual(record);
    expect(JSON.stringify(await store.listKeys())).not.toContain(key.slice(17));
    const revoked = await revokeKey(store, key);
    expect(revoked.revokedAt).toBeDefined();
    expect((await store.getKey(record.id))?.revokedAt).toBe(revoked.revokedAt);
    await expect(revokeKey(store, 'abcdefabcdef')).rejects.toThrow(/No key with id/);
    expect((await store.listProjects()).map((p) => p.name)).toEqual(['Acme search']);
    await store.close();
  });

  it('restores saved keys into a store that lost them', async () => {
    const first = open();
    const keys = await provisionProject(first, 'dev');
    const empty = open(); // another location: nothing in it
    await restoreProject(empty, keys);
    const ids = (await empty.listKeys()).map((k) => k.id).sort();
    expect(ids).toEqual((await first.listKeys()).map((k) => k.id).sort());
    await Promise.all([first.close(), empty.close()]);
  });
});

describe('file key store', () => {
  it('sees changes made by another process (the CLI) without a restart', async () => {
    const path = join(dir, 'shared.json');
    const service = fileKeyStore(path);
    const cli = fileKeyStore(path);
    await createProject(cli, 'p');
    const { record } = await createKey(cli, 'p', 'read');
    expect((await service.getKey(record.id))?.revokedAt).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20)); // a later modification time
    await revokeKey(cli, record.id);
    expect((await service.getKey(record.id))?.revokedAt).toBeDefined();
  });

  it('ignores malformed records and explains a corrupt file', async () => {
    const path = join(dir, 'odd.json');
    await writeFile(
      path,
      JSON.stringify({
        projects: { p: { id: 'p', name: 'p' } },
        keys: { abcdefabcdef: { id: 'abcdefabcdef', kind: 'admin' } },
      })
    );
    expect(await fileKeyStore(path).getKey('abcdefabcdef')).toBeUndefined();
    expect(await fileKeyStore(path).getKey('__proto__')).toBeUndefined();
    await writeFile(path, '{ not json');
    await expect(fileKeyStore(path).listKeys()).rejects.toThrow(/not valid JSON; restore it or remove it/);
  });

  it('keeps the file readable by its owner only', async () => {
    const path = join(dir, 'mode.json');
    await createProject(fileKeyStore(path), 'p');
    const { stat } = await import('node:fs/promises');
    expect((await stat(path)).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8')).projects.p.id).toBe('p');
  });
});

describe('XRAY_AUTH_STORE', () => {
  it('parses the three forms and explains anything else', () => {
    expect(parseStoreSetting(undefined)).toEqual({ type: 'redis', prefix: 'xray:auth' });
    expect(parseStoreSetting('redis:team:auth')).toEqual({ type: 'redis', prefix: 'team:auth' });
    expect(parseStoreSetting('file:/etc/xray/keys.json')).toEqual({ type: 'file', path: '/etc/xray/keys.json' });
    expect(() => parseStoreSetting('postgres://x')).toThrow(/"redis", "redis:<key prefix>" or "file:<path>"/);
  });
});

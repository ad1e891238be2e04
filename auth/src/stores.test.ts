// Both stores against the real thing: a file in a temporary folder, and the Redis on 127.0.0.1:6379.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKeyStore } from './file-store.js';
import { createKey, createProject, ManageError, provisionProject, restoreProject, revokeKey } from './manage.js';
import { parseStoreSetting } from './store.js';
import { testStores } from './stores.fixture.js';

const { dir, stores, cleanUp } = await testStores('auth-stores');
afterAll(cleanUp);

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

  it('replaces and removes project records, and removes key records, leaving the rest alone', async () => {
    const store = open();
    await provisionProject(store, 'shop');
    await createProject(store, 'other');
    const shop = (await store.getProject('shop'))!;
    await store.putProject({ ...shop, retentionDays: 7, deletingSince: '2026-01-02T03:04:05.000Z' });
    expect(await store.getProject('shop')).toEqual({
      ...shop,
      retentionDays: 7,
      deletingSince: '2026-01-02T03:04:05.000Z',
    });
    await store.putProject({ id: 'fresh', name: 'Fresh', createdAt: shop.createdAt });
    expect((await store.listProjects()).map((p) => p.id).sort()).toEqual(['fresh', 'other', 'shop']);

    const [ingest] = (await store.listKeys()).filter((k) => k.kind === 'ingest');
    await store.removeKey(ingest!.id);
    await store.removeKey(ingest!.id); // nothing left to remove: no error
    expect(await store.getKey(ingest!.id)).toBeUndefined();
    expect((await store.listKeys()).map((k) => k.kind)).toEqual(['read']);

    await store.removeProject('shop');
    await store.removeProject('shop');
    expect(await store.getProject('shop')).toBeUndefined();
    expect((await store.listProjects()).map((p) => p.id).sort()).toEqual(['fresh', 'other']);
    await store.close();
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
        projects: {
          p: { id: 'p', name: 'p', retentionDays: 7 },
          half: { id: 'half', name: 'half', retentionDays: 1.5 },
          never: { id: 'never', name: 'never', retentionDays: 0 },
          when: { id: 'when', name: 'when', deletingSince: 5 },
        },
        keys: { abcdefabcdef: { id: 'abcdefabcdef', kind: 'root' } },
      })
    );
    expect((await fileKeyStore(path).listProjects()).map((p) => p.id)).toEqual(['p']);
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

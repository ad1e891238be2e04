// Deleting a project, in both stores: keys revoked at once, records removed once the janitor is done.
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import {
  createKey,
  createProject,
  finishProjectDeletion,
  provisionProject,
  requestProjectDeletion,
  setRetention,
} from './manage.js';
import { testStores } from './stores.fixture.js';

const { stores, cleanUp } = await testStores('auth-manage');
afterAll(cleanUp);

describe.each(stores)('project deletion in the %s store', (_kind, open) => {
  it('revokes every key of the project (and no other), marks it, and is idempotent', async () => {
    const store = open();
    const keys = await provisionProject(store, 'shop');
    await createKey(store, 'shop', 'admin');
    const other = await provisionProject(store, 'other');
    const before = Date.now();

    const marked = await requestProjectDeletion(store, 'shop');
    expect(Date.parse(marked.deletingSince!)).toBeGreaterThanOrEqual(before - 1000);
    expect(await store.getProject('shop')).toEqual(marked);
    const shopKeys = (await store.listKeys()).filter((k) => k.projectId === 'shop');
    expect(shopKeys.map((k) => k.kind).sort()).toEqual(['admin', 'ingest', 'read']);
    expect(shopKeys.every((k) => k.revokedAt)).toBe(true);
    expect((await store.listKeys()).filter((k) => k.projectId === 'other' && k.revokedAt)).toEqual([]);
    const ingest = createAuthenticator(store, { kind: 'ingest', cacheMillis: 0 });
    expect(await ingest(`Bearer ${keys.ingestKey}`)).toMatchObject({ status: 401 });
    expect((await ingest(`Bearer ${other.ingestKey}`)).ok).toBe(true);

    const again = await requestProjectDeletion(store, 'shop');
    expect(again.deletingSince).toBe(marked.deletingSince);
    await expect(requestProjectDeletion(store, 'nobody')).rejects.toThrow(/No project "nobody"/);
    await store.close();
  });

  it('refuses new keys, a retention and the same id for a project being deleted', async () => {
    const store = open();
    await provisionProject(store, 'shop');
    await requestProjectDeletion(store, 'shop');
    await expect(createKey(store, 'shop', 'read')).rejects.toThrow(/Project "shop" is being deleted/);
    await expect(setRetention(store, 'shop', 7, 30)).rejects.toThrow(/Project "shop" is being deleted/);
    await expect(createProject(store, 'shop')).rejects.toThrow(
      /is being deleted .*; its id is free again once the janitor has removed its data/
    );
    await store.close();
  });

  it('finishes by removing the key records and the project record; a second call does nothing', async () => {
    const store = open();
    await provisionProject(store, 'shop');
    await provisionProject(store, 'other');
    await expect(finishProjectDeletion(store, 'shop')).rejects.toThrow(/"shop" is not being deleted/);
    await requestProjectDeletion(store, 'shop');
    await finishProjectDeletion(store, 'shop');
    expect(await store.getProject('shop')).toBeUndefined();
    expect(new Set((await store.listKeys()).map((k) => k.projectId))).toEqual(new Set(['other']));
    await finishProjectDeletion(store, 'shop');
    expect((await store.listProjects()).map((p) => p.id)).toEqual(['other']);
    await createProject(store, 'shop'); // the id is free again
    await store.close();
  });
});

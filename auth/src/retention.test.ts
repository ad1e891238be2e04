import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKeyStore } from './file-store.js';
import { createProject, setRetention } from './manage.js';
import {
  createRetentionLookup,
  DEFAULT_RETENTION_DAYS,
  MAX_RETENTION_DAYS,
  parseRetentionDays,
  retentionDefault,
  retentionOf,
} from './retention.js';
import type { KeyStore } from './store.js';

const dir = await mkdtemp(join(tmpdir(), 'xray-retention-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('retention days', () => {
  it('are whole numbers from 1 to 3650, given as text or as a number', () => {
    expect(parseRetentionDays('7', 'X')).toBe(7);
    expect(parseRetentionDays(' 3650 ', 'X')).toBe(MAX_RETENTION_DAYS);
    expect(parseRetentionDays(1, 'X')).toBe(1);
  });

  it.each(['abc', '', '0', '-1', '1.5', '7 days', '1e2', '0x10', '3651', 1.5, 0, Number.NaN])(
    '%j is refused with a sentence naming the setting and the range',
    (raw) => {
      expect(() => parseRetentionDays(raw, 'XRAY_RETENTION_DAYS')).toThrow(
        `XRAY_RETENTION_DAYS must be a whole number of days from 1 to 3650, not ${JSON.stringify(String(raw))}.`
      );
    }
  );

  it('default to XRAY_RETENTION_DAYS, or 30 days', () => {
    expect(DEFAULT_RETENTION_DAYS).toBe(30);
    expect(retentionDefault({})).toBe(30);
    expect(retentionDefault({ XRAY_RETENTION_DAYS: '' })).toBe(30);
    expect(retentionDefault({ XRAY_RETENTION_DAYS: '90' })).toBe(90);
    expect(() => retentionDefault({ XRAY_RETENTION_DAYS: 'abc' })).toThrow(
      'XRAY_RETENTION_DAYS must be a whole number of days from 1 to 3650, not "abc".'
    );
  });

  it("are the project's own when it has some, else the default", () => {
    const project = { id: 'p', name: 'p', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(retentionOf(project, 30)).toEqual({ days: 30, source: 'default' });
    expect(retentionOf({ ...project, retentionDays: 7 }, 30)).toEqual({ days: 7, source: 'project' });
    expect(retentionOf(undefined, 14)).toEqual({ days: 14, source: 'default' });
  });
});

describe('setRetention', () => {
  it("sets a project's retention and says what it was; refuses bad days and unknown projects", async () => {
    const store = fileKeyStore(join(dir, 'set.json'));
    await createProject(store, 'shop');
    expect(await setRetention(store, 'shop', 7, 30)).toEqual({
      before: { days: 30, source: 'default' },
      after: { days: 7, source: 'project' },
    });
    expect(await setRetention(store, 'shop', '90', 30)).toEqual({
      before: { days: 7, source: 'project' },
      after: { days: 90, source: 'project' },
    });
    expect((await store.getProject('shop'))?.retentionDays).toBe(90);
    await expect(setRetention(store, 'shop', 'forever', 30)).rejects.toThrow(
      'A retention must be a whole number of days from 1 to 3650, not "forever".'
    );
    await expect(setRetention(store, 'nobody', 7, 30)).rejects.toThrow(/No project "nobody"/);
  });
});

describe('the retention lookup', () => {
  it('reads a project once per cache time, and sees a change after it', async () => {
    const real = fileKeyStore(join(dir, 'lookup.json'));
    await createProject(real, 'shop');
    let reads = 0;
    const counted: KeyStore = { ...real, getProject: (id) => (reads++, real.getProject(id)) };
    let now = 0;
    const lookup = createRetentionLookup(counted, 30, { cacheMillis: 1000, now: () => now });
    expect(await lookup('shop')).toEqual({ days: 30, source: 'default' });
    await setRetention(real, 'shop', 7, 30);
    now = 999;
    expect(await lookup('shop')).toEqual({ days: 30, source: 'default' });
    expect(reads).toBe(1);
    now = 1000;
    expect(await lookup('shop')).toEqual({ days: 7, source: 'project' });
    expect(reads).toBe(2);
    expect(await lookup('unknown')).toEqual({ days: 30, source: 'default' });
  });

  it('answers the last known retention, or the default, while the store is down; never throws', async () => {
    const real = fileKeyStore(join(dir, 'down.json'));
    await createProject(real, 'shop');
    await setRetention(real, 'shop', 7, 30);
    let down = false;
    const flaky: KeyStore = {
      ...real,
      getProject: (id) => (down ? Promise.reject(new Error('ECONNREFUSED')) : real.getProject(id)),
    };
    let now = 0;
    const lookup = createRetentionLookup(flaky, 45, { cacheMillis: 10, now: () => now });
    expect(await lookup('shop')).toEqual({ days: 7, source: 'project' });
    down = true;
    now = 100;
    expect(await lookup('shop')).toEqual({ days: 7, source: 'project' });
    expect(await lookup('never-seen')).toEqual({ days: 45, source: 'default' });
    down = false;
    await setRetention(real, 'shop', 3, 30);
    expect(await lookup('shop')).toEqual({ days: 3, source: 'project' });
  });
});

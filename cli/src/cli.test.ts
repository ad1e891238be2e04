import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCodes } from './cli.js';
import { xrayWith } from './cli.fixture.js';

const dir = await mkdtemp(join(tmpdir(), 'xray-cli-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `xray …` against a key file of its own. */
const xray = (store: string, ...argv: string[]) => xrayWith({ XRAY_AUTH_STORE: `file:${join(dir, store)}` }, ...argv);

describe('xray keys', () => {
  it('creates a project with two keys, lists them without secrets, revokes one', async () => {
    const created = await xray('a.json', 'create', 'project', 'acme', '--name', 'Acme search', '--json');
    expect(created.code).toBe(ExitCodes.OK);
    const { ingestKey, readKey } = JSON.parse(created.out) as { ingestKey: string; readKey: string };
    expect(ingestKey).toMatch(/^xri_/);
    expect(readKey).toMatch(/^xrr_/);

    const extra = await xray(
      'a.json',
      'create',
      'key',
      'acme',
      '--kind',
      'ingest',
      '--name',
      'ci',
      '--spans-per-second',
      '500'
    );
    expect(extra.code).toBe(ExitCodes.OK);
    expect(extra.out).toMatch(/Created ingest key [0-9a-f]{12} for project acme:\n {2}xri_/);

    const listed = await xray('a.json', 'list');
    expect(listed.out.split('\n')[0]).toMatch(
      /^PROJECT\s+RETENTION\s+KEY ID\s+KIND\s+NAME\s+CREATED \(UTC\)\s+STATUS\s+LIMITS$/
    );
    expect(listed.out).toMatch(/acme\s+30 days \(default\)\s+[0-9a-f]{12}\s+ingest\s+ci\s+.*active\s+500 spans\/s/);
    for (const key of [ingestKey, readKey]) expect(listed.out).not.toContain(key.slice(17));

    const revoked = await xray('a.json', 'revoke', 'key', ingestKey);
    expect(revoked.code).toBe(ExitCodes.OK);
    const json = JSON.parse((await xray('a.json', 'list', '--json')).out) as {
      id: string;
      keys: { kind: string; revokedAt?: string; hash?: string }[];
    }[];
    expect(json[0]!.id).toBe('acme');
    expect(json[0]!.keys.filter((k) => k.revokedAt).map((k) => k.kind)).toEqual(['ingest']);
    expect(json[0]!.keys.every((k) => k.hash === undefined)).toBe(true);
  });

  it('explains mistakes with exit code 2 for usage and 1 for failures', async () => {
    expect(await xray('b.json')).toMatchObject({ code: ExitCodes.USAGE, err: expect.stringContaining('Usage: xray') });
    expect(await xray('b.json', 'create', 'key', 'acme', '--kind', 'root')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('--kind must be ingest, read or admin, not "root"'),
    });
    expect(await xray('b.json', 'create', 'key', 'acme', '--kind', 'read', '--bytes-per-second', '-1')).toMatchObject({
      code: ExitCodes.USAGE,
    });
    expect(await xray('b.json', 'frobnicate')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('Unknown command "frobnicate"'),
    });
    expect(await xray('b.json', 'create', 'project')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('needs a project id'),
    });
    expect(await xray('b.json', 'create', 'key', 'nobody', '--kind', 'read')).toMatchObject({
      code: ExitCodes.FAILED,
      err: 'xray: No project "nobody"; create it first (xray create project nobody).\n',
    });
    expect(await xray('b.json', 'revoke', 'key', 'abcdefabcdef')).toMatchObject({ code: ExitCodes.FAILED });
    expect(await xray('b.json', 'list', '--store', 'mysql')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('XRAY_AUTH_STORE must be'),
    });
    expect((await xray('b.json', 'list')).out).toMatch(/^No projects yet/);
  });

  it('says which store it could not reach', async () => {
    const res = await xray('c.json', 'list', '--store', 'redis', '--redis-url', 'redis://127.0.0.1:1');
    expect(res.code).toBe(ExitCodes.FAILED);
    expect(res.err).toMatch(/^xray: cannot reach the key store \(Redis 127\.0\.0\.1:1, keys xray:auth:\*\)/);
  });
});

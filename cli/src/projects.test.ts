import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKeyStore } from '@xray/auth';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCodes } from './cli.js';
import { xrayWith } from './cli.fixture.js';

const dir = await mkdtemp(join(tmpdir(), 'xray-cli-projects-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `xray …` against a key file of its own, with XRAY_RETENTION_DAYS when given. */
const xray = (store: string, env: Record<string, string>, ...argv: string[]) =>
  xrayWith({ XRAY_AUTH_STORE: `file:${join(dir, store)}`, ...env }, ...argv);

interface Listed {
  id: string;
  retention: { days: number; source: string };
  deletingSince?: string;
  keys: { kind: string; revokedAt?: string }[];
}

describe('xray set retention', () => {
  it("sets a project's retention, says what it was, and xray list shows it", async () => {
    await xray('r.json', {}, 'create', 'project', 'shop');
    await xray('r.json', {}, 'create', 'project', 'blog');
    const set = await xray('r.json', {}, 'set', 'retention', 'shop', '7');
    expect(set).toEqual({
      code: ExitCodes.OK,
      out: "Project shop keeps data for 7 days (was 30, the default). Older data is removed by the janitor's next pass.\n",
      err: '',
    });
    const again = await xray('r.json', {}, 'set', 'retention', 'shop', '1', '--json');
    expect(JSON.parse(again.out)).toEqual({
      project: 'shop',
      retentionDays: 1,
      before: { days: 7, source: 'project' },
    });

    const listed = await xray('r.json', { XRAY_RETENTION_DAYS: '90' }, 'list');
    expect(listed.out).toMatch(/\nblog\s+90 days \(default\)\s+[0-9a-f]{12}\s+ingest/);
    expect(listed.out).toMatch(/\nshop\s+1 day\s+[0-9a-f]{12}\s+ingest/);
    const json = JSON.parse((await xray('r.json', {}, 'list', '--json')).out) as Listed[];
    expect(json.map((p) => [p.id, p.retention])).toEqual([
      ['blog', { days: 30, source: 'default' }],
      ['shop', { days: 1, source: 'project' }],
    ]);
  });

  it('explains bad days, a bad XRAY_RETENTION_DAYS and an unknown project', async () => {
    await xray('bad.json', {}, 'create', 'project', 'shop');
    expect(await xray('bad.json', {}, 'set', 'retention', 'shop', '0')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining(
        'xray: The number of days to keep must be a whole number of days from 1 to 3650, not "0".'
      ),
    });
    expect(await xray('bad.json', {}, 'set', 'retention', 'shop')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('needs a project id and a number of days'),
    });
    expect(await xray('bad.json', { XRAY_RETENTION_DAYS: 'a month' }, 'list')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('XRAY_RETENTION_DAYS must be a whole number of days from 1 to 3650, not "a month".'),
    });
    expect(await xray('bad.json', {}, 'set', 'retention', 'nobody', '7')).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringMatching(/^xray: No project "nobody"/),
    });
  });
});

describe('xray delete project', () => {
  it('asks for --confirm <id> with exit code 2, and changes nothing without it', async () => {
    await xray('d.json', {}, 'create', 'project', 'shop');
    for (const confirm of [[], ['--confirm', 'shoe']]) {
      const refused = await xray('d.json', {}, 'delete', 'project', 'shop', ...confirm);
      expect(refused.code).toBe(ExitCodes.USAGE);
      expect(refused.err).toContain(
        'xray: `xray delete project shop` deletes every run, decision, payload and key of project shop, for good; confirm it with --confirm shop'
      );
    }
    expect((await xray('d.json', {}, 'delete', 'shop')).err).toContain(
      'Unknown command "delete shop"; use xray delete run <run id> or xray delete project <id> --confirm <id>.'
    );
    const [shop] = JSON.parse((await xray('d.json', {}, 'list', '--json')).out) as Listed[];
    expect(shop!.deletingSince).toBeUndefined();
    expect(shop!.keys.some((k) => k.revokedAt)).toBe(false);
  });

  it('revokes every key of the project and marks it; the janitor does the rest', async () => {
    await xray('e.json', {}, 'create', 'project', 'shop');
    await xray('e.json', {}, 'create', 'key', 'shop', '--kind', 'admin');
    await xray('e.json', {}, 'create', 'project', 'blog');
    const deleted = await xray('e.json', {}, 'delete', 'project', 'shop', '--confirm', 'shop');
    expect(deleted.code).toBe(ExitCodes.OK);
    expect(deleted.out).toBe(
      'Project shop is being deleted: its 3 keys are revoked (services refuse them within seconds).\n' +
        'The janitor (in the processor) removes its runs, decisions and payloads on its next pass; then the project disappears from `xray list`.\n'
    );
    const project = await fileKeyStore(join(dir, 'e.json')).getProject('shop');
    expect(project?.deletingSince).toBeDefined();

    const json = JSON.parse((await xray('e.json', {}, 'list', '--json')).out) as Listed[];
    const shop = json.find((p) => p.id === 'shop')!;
    expect(shop.deletingSince).toBe(project!.deletingSince);
    expect(shop.keys.map((k) => Boolean(k.revokedAt))).toEqual([true, true, true]);
    expect(json.find((p) => p.id === 'blog')!.keys.some((k) => k.revokedAt)).toBe(false);
    const listed = await xray('e.json', {}, 'list', '--project', 'shop');
    expect(listed.out).toMatch(/\nshop\s+deleting since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+[0-9a-f]{12}\s+ingest/);

    const again = await xray('e.json', {}, 'delete', 'project', 'shop', '--confirm', 'shop', '--json');
    expect(JSON.parse(again.out)).toMatchObject({ project: 'shop', deletingSince: project!.deletingSince });
    expect(await xray('e.json', {}, 'create', 'key', 'shop', '--kind', 'read')).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringContaining('Project "shop" is being deleted'),
    });
    expect(await xray('e.json', {}, 'delete', 'project', 'nobody', '--confirm', 'nobody')).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringMatching(/^xray: No project "nobody"/),
    });
  });
});

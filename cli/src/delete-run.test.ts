import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCodes } from './cli.js';
import { xrayWith } from './cli.fixture.js';
import type { RunDeletion } from '@xray/core/api';

// A stand-in for the query API in a CLI unit test: it answers DELETE /v1/runs/{runId} as the API's
// contract says (200 with what was removed, then alreadyDeleted; 403 for a key that is not an admin
// key; 404 for a run not in the key's project), and records the requests it got.
const ADMIN_KEY = `xra_abcdefabcdef_${'a'.repeat(43)}`;
const READ_KEY = `xrr_abcdefabcdef_${'b'.repeat(43)}`;
const RUN = 'c'.repeat(32);
const DELETED_AT = '2026-03-04T05:06:07.890Z';
const requests: { method?: string; url?: string; authorization?: string }[] = [];
let deleted = false;

function answer(req: IncomingMessage): { status: number; body: unknown } {
  const error = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });
  if (req.headers.authorization !== `Bearer ${ADMIN_KEY}`)
    return error(403, 'forbidden', 'Deleting needs an admin key (xra_…); this is a read key.');
  if (req.method !== 'DELETE' || req.url !== `/v1/runs/${RUN}`)
    return error(404, 'not_found', 'No run with this id in the project.');
  const removed = deleted
    ? { runs: 0, steps: 0, decisions: 0, objects: 0 }
    : { runs: 1, steps: 4, decisions: 1234, objects: 5 };
  const body: RunDeletion = { runId: RUN, status: 'deleted', deletedAt: DELETED_AT, alreadyDeleted: deleted, removed };
  deleted = true;
  return { status: 200, body };
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const { status, body } = answer(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const xray = (env: Record<string, string>, ...argv: string[]) => xrayWith(env, ...argv, '--url', url);

describe('xray delete run', () => {
  it('sends DELETE /v1/runs/{id} with the admin key, says what went, then that it was already gone', async () => {
    const first = await xray({ XRAY_ADMIN_KEY: ADMIN_KEY, XRAY_READ_KEY: READ_KEY }, 'delete', 'run', RUN);
    expect(requests.at(-1)).toEqual({ method: 'DELETE', url: `/v1/runs/${RUN}`, authorization: `Bearer ${ADMIN_KEY}` });
    expect(first).toEqual({
      code: ExitCodes.OK,
      out: `Deleted run ${RUN}: 1 run, 4 steps, 1,234 decisions, 5 payload objects.\n`,
      err: '',
    });
    const second = await xray({}, 'delete', 'run', RUN, '--key', ADMIN_KEY);
    expect(second).toMatchObject({
      code: ExitCodes.OK,
      out: `Run ${RUN} was already deleted (2026-03-04 05:06:07 UTC).\n`,
    });
    const json = await xray({ XRAY_ADMIN_KEY: ADMIN_KEY }, 'delete', 'run', RUN, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ runId: RUN, alreadyDeleted: true, deletedAt: DELETED_AT });
  });

  it("fails with the API's sentence for a key that is not an admin key, and for an unknown run", async () => {
    const forbidden = await xray({ XRAY_READ_KEY: READ_KEY }, 'delete', 'run', RUN);
    expect(requests.at(-1)?.authorization).toBe(`Bearer ${READ_KEY}`);
    expect(forbidden).toEqual({
      code: ExitCodes.FAILED,
      out: '',
      err: 'xray: Deleting needs an admin key (xra_…); this is a read key. (check --key / XRAY_ADMIN_KEY: deleting needs an admin key of the project)\n',
    });
    const unknown = await xray({ XRAY_ADMIN_KEY: ADMIN_KEY }, 'delete', 'run', 'd'.repeat(32));
    expect(unknown).toEqual({ code: ExitCodes.FAILED, out: '', err: 'xray: No run with this id in the project.\n' });
  });

  it('asks for a key and a run id before calling the API', async () => {
    const calls = requests.length;
    expect(await xray({}, 'delete', 'run', RUN)).toMatchObject({
      code: ExitCodes.FAILED,
      err: 'xray: no admin key: pass --key <admin key> or set XRAY_ADMIN_KEY (xray create key <project> --kind admin prints one).\n',
    });
    expect(await xray({ XRAY_ADMIN_KEY: ADMIN_KEY }, 'delete', 'run')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('`xray delete run` needs a run id'),
    });
    expect(requests.length).toBe(calls);
  });
});

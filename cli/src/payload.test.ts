import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecisionDetail, Payload } from '@xray/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCodes, run } from './cli.js';

// `xray payload` against a query API serving answers of the shapes of @xray/core/api (the routes
// themselves are tested over real storage in query/src/routes/payloads.test.ts).
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const big = JSON.stringify({ text: 'ü€'.repeat(700_000) }); // 3.5 MB: partial, streamed
const download = `/v1/payloads/2026-11-20/${sha(big)}`;
const eventId = `${'a'.repeat(16)}-3`;
const runId = 'b'.repeat(32);
const decision: DecisionDetail = {
  eventId,
  runId,
  stepId: 'a'.repeat(16),
  seq: 3,
  itemId: 'doc-3',
  outcome: 'eliminated',
  reason: 'too big',
  score: null,
  timestamp: '2026-11-20T12:00:00.000Z',
  output: { kept: [1, 2] },
  payloads: {
    input: { state: 'partial', bytes: Buffer.byteLength(big), sha256: sha(big), download, head: big.slice(0, 10) },
    output: { state: 'inline', bytes: 16 },
    metadata: { state: 'missing', bytes: 900, sha256: 'c'.repeat(64), message: 'The SDK did not upload this payload.' },
  },
};
const runRecord: Payload = {
  kind: 'run',
  runId,
  input: { _xray_truncated: true, originalBytes: 70_000_000, preview: '{' },
  payloads: { input: { state: 'truncated', bytes: 70_000_000, message: 'Over the cap.' } },
};
const answers: Record<string, unknown> = {
  [`/v1/decisions/${eventId}`]: decision,
  [`/v1/runs/${runId}/payload`]: runRecord,
};

let server: Server;
let url: string;
const dir = await mkdtemp(join(tmpdir(), 'xray-cli-payload-'));
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === download) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(big),
        'x-xray-sha256': sha(big),
      });
      // In pieces, as a stream arrives.
      const bytes = Buffer.from(big);
      for (let at = 0; at < bytes.length; at += 100_000) res.write(bytes.subarray(at, at + 100_000));
      return res.end();
    }
    const answer = answers[req.url ?? ''];
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { error: { code: 'not_found', message: `No such thing ${req.url}.` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function xray(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run([...argv, '--url', url, '--key', 'xrr_test'], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {},
    colour: false,
  });
  return { code, out, err };
}

describe('xray payload', () => {
  it('saves a partial value whole to a file, streamed, and says its size and sha256', async () => {
    const file = join(dir, 'input.json');
    const saved = await xray('payload', eventId, '--out', file);
    expect(saved).toEqual({
      code: ExitCodes.OK,
      out: `Saved the input of decision ${eventId} to ${file}: ${Buffer.byteLength(big).toLocaleString('en-US')} bytes, sha256 ${sha(big)}.\n`,
      err: '',
    });
    expect(sha(await readFile(file, 'utf8'))).toBe(sha(big));
    expect(await readdir(dir)).toEqual(['input.json']);
    const json = await xray('payload', eventId, '--field', 'input', '-o', join(dir, 'again.json'), '--json');
    expect(JSON.parse(json.out)).toEqual({
      field: 'input',
      state: 'partial',
      bytes: Buffer.byteLength(big),
      sha256: sha(big),
      file: join(dir, 'again.json'),
    });
  });

  it('prints a value as JSON without --out', async () => {
    expect(await xray('payload', eventId, '--field', 'output')).toMatchObject({
      code: ExitCodes.OK,
      out: '{"kept":[1,2]}\n',
    });
    expect((await xray('payload', eventId)).out).toBe(`${big}\n`);
  });

  it('fails with a sentence for a missing or truncated value, saving nothing', async () => {
    const file = join(dir, 'never.json');
    const missing = await xray('payload', eventId, '--field', 'metadata', '--out', file);
    expect(missing.code).toBe(ExitCodes.FAILED);
    expect(missing.err).toBe(
      `xray: The metadata of decision ${eventId} is not in storage (900 bytes, sha256 ${'c'.repeat(64)}). The SDK did not upload this payload.\n`
    );
    const truncated = await xray('payload', '--run', runId, '--out', file);
    expect(truncated.code).toBe(ExitCodes.FAILED);
    expect(truncated.err).toContain(`The input of run ${runId} was cut by the SDK (70,000,000 bytes before the cut)`);
    expect(await readdir(dir)).not.toContain('never.json');
    expect(await xray('payload', '--step', 'd'.repeat(16))).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringContaining('No such thing'),
    });
  });

  it('explains a wrong call with the usage', async () => {
    expect(await xray('payload')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('`xray payload` needs one of'),
    });
    expect((await xray('payload', eventId, '--run', runId)).code).toBe(ExitCodes.USAGE);
    expect(await xray('payload', '--run', runId, '--field', 'metadata')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('--field must be input or output for a run.'),
    });
  });
});

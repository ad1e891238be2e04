import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';
import { testPython } from './python.fixture.js';

// Both SDKs as users get them, outside this repository: the TypeScript SDK (and the conventions
// package it needs) packed by `npm pack` and installed into a fresh project, the Python SDK built as
// a wheel and installed into a fresh virtual environment. In each, the seed example of the SDK's
// README, exactly as printed there, runs against a stack and its run is queryable.

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
/** One build or install step; a test runs two or three of them. */
const INSTALL_TIMEOUT = 180_000;
const TEST_TIMEOUT = 3 * INSTALL_TIMEOUT;

/** The code block between the README's seed-example markers. */
function seedExample(readmePath: string): string {
  const text = readFileSync(join(root, readmePath), 'utf8');
  const block = /<!-- seed-example:start -->\s*```[a-z]*\n([\s\S]*?)```\s*<!-- seed-example:end -->/.exec(text);
  if (!block) throw new Error(`${readmePath} has no seed example between <!-- seed-example:start/end --> markers`);
  return block[1]!;
}

interface RunAnswer {
  runId: string;
  pipeline: string;
  inputCount: number;
  outputCount: number;
  status: string;
}

let stack: TestStack;
const dirs: string[] = [];
const scratch = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `xray-install-${label}-`));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  stack = await startTestStack('install');
});
afterAll(async () => {
  await stack?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the example, reads the run id it prints and waits for the run in the query API. */
async function runSeed(command: string, args: string[], cwd: string): Promise<RunAnswer> {
  const env = { ...process.env, XRAY_ENDPOINT: `${stack.receiverUrl}/v1/traces`, XRAY_API_KEY: stack.keys.ingestKey };
  const { stdout } = await exec(command, args, { cwd, env, timeout: 60_000 });
  const runId = /run ([0-9a-f]{32})/.exec(stdout)?.[1];
  expect(runId, `the example printed its run id: ${stdout}`).toBeDefined();
  return eventually(
    async () => {
      const res = await stack.get<RunAnswer>(`/v1/runs/${runId}`);
      return res.status === 200 ? res.body : undefined;
    },
    30_000,
    `run ${runId} in the query API`
  );
}

/** What the seed example's keyword filter gives: items with both required keywords (i % 4 === 3) kept. */
function expectSeedRun(run: RunAnswer) {
  expect(run).toMatchObject({ pipeline: 'candidate-search', inputCount: 1000, outputCount: 250, status: 'ok' });
}

describe('installed outside the repository', () => {
  it(
    'TypeScript: npm pack, npm install into a fresh project, the README seed example runs and is queryable',
    async () => {
      const packs = scratch('packs');
      const { stdout } = await exec('npm', ['pack', '-w', 'otel', '-w', 'sdk', '--pack-destination', packs, '--json'], {
        cwd: root,
      });
      const packed = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
      const sdk = packed.find((p) => p.name === '@xray/sdk')!;
      // What a user gets: the built code with its types and the README, no sources, tests or fixtures.
      const files = sdk.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'package.json']));
      expect(files.filter((f) => /\.test\.|\.fixture\.|^src\//.test(f))).toEqual([]);

      const project = scratch('ts');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'seed', private: true, type: 'module' }));
      const tarballs = readdirSync(packs).map((f) => join(packs, f));
      await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
        cwd: project,
        timeout: INSTALL_TIMEOUT,
      });
      writeFileSync(join(project, 'seed.mjs'), seedExample('sdk/README.md'));
      expectSeedRun(await runSeed(process.execPath, ['seed.mjs'], project));
    },
    TEST_TIMEOUT
  );

  it(
    'Python: a wheel installed into a fresh virtual environment, the README seed example runs and is queryable',
    async () => {
      const dist = scratch('wheel');
      await exec(testPython(), ['-m', 'build', '--wheel', '--outdir', dist, join(root, 'sdk-python')], {
        timeout: INSTALL_TIMEOUT,
      });
      const wheel = readdirSync(dist).find((f) => f.endsWith('.whl'));
      expect(wheel, 'python -m build made a wheel').toBeDefined();
      const { stdout: listing } = await exec(testPython(), ['-m', 'zipfile', '-l', join(dist, wheel!)]);
      expect(listing).toContain('xray/py.typed');
      expect(listing).not.toMatch(/tests\//);

      const venv = scratch('venv');
      await exec(testPython(), ['-m', 'venv', venv]);
      const python = join(venv, 'bin', 'python');
      await exec(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', join(dist, wheel!)], {
        timeout: INSTALL_TIMEOUT,
      });
      const { stdout: metadata } = await exec(python, ['-m', 'pip', 'show', '--verbose', 'xray-sdk']);
      expect(metadata).toMatch(/Typing :: Typed/);
      expect(metadata).toMatch(/Requires: .*opentelemetry-sdk/);

      const project = scratch('py');
      writeFileSync(join(project, 'seed.py'), seedExample('sdk-python/README.md'));
      expectSeedRun(await runSeed(python, ['seed.py'], project));
    },
    TEST_TIMEOUT
  );
});

#!/usr/bin/env node
// What the tests need besides Node.js packages, installed once and reused while its inputs are
// unchanged:
//   - a Python virtual environment in .venv (XRAY_VENV): the Python SDK (editable), its test
//     dependencies and Schemathesis, all pinned in requirements files;
//   - the OpenTelemetry Collector distribution of otel/collector, built from its Go modules and cached.
// `npm test` runs it first; it prints one line per step and what it reuses.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const venv = process.env.XRAY_VENV ?? join(root, '.venv');
const python = join(venv, 'bin', 'python');
const REQUIREMENTS = ['sdk-python/requirements-dev.txt', 'reliability/requirements.txt'];
const STAMP_INPUTS = [...REQUIREMENTS, 'sdk-python/pyproject.toml'];

function run(command, args, what) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    console.error(`setup: ${what} failed (${why}).`);
    process.exit(1);
  }
  return ((Date.now() - started) / 1000).toFixed(1);
}

function pythonEnv() {
  const stamp = createHash('sha256');
  for (const file of STAMP_INPUTS) stamp.update(readFileSync(join(root, file)));
  const digest = stamp.digest('hex');
  const stampFile = join(venv, '.xray-stamp');
  if (existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) {
    console.log(`setup: Python environment ${venv} is up to date`);
    return;
  }
  if (!existsSync(python)) {
    const bootstrap = process.env.XRAY_BOOTSTRAP_PYTHON ?? 'python3';
    const check = spawnSync(bootstrap, ['-c', 'import sys; sys.exit(sys.version_info < (3, 10))']);
    if (check.error || check.status !== 0) {
      console.error(
        `setup: the tests need Python >= 3.10 as "${bootstrap}" (set XRAY_BOOTSTRAP_PYTHON to another one).`
      );
      process.exit(1);
    }
    run(bootstrap, ['-m', 'venv', venv], `creating the virtual environment ${venv}`);
  }
  console.log('setup: installing the Python SDK and the Python test tools (pinned; about a minute the first time)');
  const requirements = REQUIREMENTS.flatMap((file) => ['-r', file]);
  const args = [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    ...requirements,
    '-e',
    './sdk-python',
  ];
  const seconds = run(python, args, 'pip install');
  writeFileSync(stampFile, digest);
  console.log(`setup: Python environment ready in ${seconds} s`);
}

function collector() {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'otel/collector/build.mjs')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const lines = (result.stdout ?? '').trim().split('\n');
  for (const line of lines.slice(0, -1)) console.log(`setup: ${line}`);
  if (result.error || result.status !== 0) {
    console.error('setup: building the OpenTelemetry Collector failed (see above).');
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`setup: OpenTelemetry Collector ${lines.at(-1)} (${seconds} s)`);
}

pythonEnv();
collector();

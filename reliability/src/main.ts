#!/usr/bin/env node
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllServices } from './env/deployment.js';
import { killAllRedisServers } from './env/redis-server.js';
import { openWorld, type World } from './env/world.js';
import { formatLine, runTest } from './suite.js';
import { TESTS } from './tests/index.js';

// `npm run test:reliability [-- name ...]`: the reliability suite against real processes. Each test
// prints one line of figures; the run ends with "N passed, N failed" and exits non-zero on failure.
const SCALE_ENV = 'XRAY_RELIABILITY_SCALE';
/** Set to keep the logs of a run that passed (they are kept anyway when a test fails). */
const KEEP_LOGS_ENV = 'XRAY_RELIABILITY_KEEP_LOGS';
// The AWS SDK's notice about Node 20, once per client, is noise here (the services are told the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const started = Date.now();
const out = (line: string) => process.stdout.write(`${line}\n`);

function scaleFromEnv(): number {
  const raw = process.env[SCALE_ENV]?.trim();
  const scale = raw ? Number(raw) : 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    process.stderr.write(`${SCALE_ENV} must be a number above 0, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return scale;
}

/** Tests whose name contains one of the words given (all of them when none is). */
function selected(words: string[]) {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .trim()
      .replace(/[\s_]+/g, '-');
  const chosen = words.length === 0 ? TESTS : TESTS.filter((t) => words.some((w) => t.name.includes(norm(w))));
  if (chosen.length === 0) {
    process.stderr.write(`No test matches "${words.join(' ')}". Tests: ${TESTS.map((t) => t.name).join(', ')}\n`);
    process.exit(2);
  }
  return chosen;
}

const scale = scaleFromEnv();
const tests = selected(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'xray-reliability-'));
const logDir = join(dir, 'logs');
mkdirSync(logDir);

let world: World | undefined;
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  out('interrupted: stopping the services ...');
  killAllServices();
  killAllRedisServers();
  void (world?.close() ?? Promise.resolve()).finally(() => {
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    process.exit(130);
  });
});

out(`X-Ray reliability suite: ${tests.length} test(s), scale ${scale}, logs in ${logDir}`);
let passed = 0;
let failed = 0;
try {
  const storageLog = join(logDir, 'storage.log');
  world = await openWorld(dir, scale, (service, line) => appendFileSync(storageLog, `[${service}] ${line}\n`));
  for (const test of tests) {
    if (interrupted) break;
    out(`> ${test.name} ...`);
    const { result, seconds } = await runTest(test, world, logDir);
    out(formatLine(test.name, result, seconds));
    if (result.failures.length === 0) passed++;
    else failed++;
  }
} catch (err) {
  failed++;
  out(`the suite could not run: ${(err as Error).message}`);
} finally {
  await world?.close();
}
rmSync(join(dir, 'data'), { recursive: true, force: true });
if (failed === 0 && !process.env[KEEP_LOGS_ENV]) rmSync(dir, { recursive: true, force: true });
else out(`logs of the run: ${logDir}`);
out(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(failed === 0 ? 0 : 1);

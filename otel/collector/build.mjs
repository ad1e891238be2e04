#!/usr/bin/env node
// Builds otelcol-xray, the collector distribution of builder-config.yaml, from the Go sources in
// otelcol-xray/ and caches the binary by the hash of those sources:
//   ${XRAY_CACHE_DIR:-$HOME/.cache/xray}/otelcol-xray/<hash>/otelcol-xray
// `node otel/collector/build.mjs` builds it once (minutes: the first build downloads the collector's
// modules and compiles them) and prints the binary's path as its last stdout line; a cache hit
// returns at once. `--check` only checks that the manifest and go.mod name the same modules at the
// same versions; `--path` prints where the binary goes, built or not. Needs Go (GO=/path/to/go).
import { spawn } from 'node:child_process';
import { setInterval, clearInterval } from 'node:timers';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const sourceDir = join(here, 'otelcol-xray');
export const manifestFile = join(here, 'builder-config.yaml');
const NAME = 'otelcol-xray';
/** How the binary is built: small (no symbol tables), reproducible (no paths, no VCS stamp), go.sum as committed. */
const BUILD_FLAGS = ['-trimpath', '-buildvcs=false', '-mod=readonly', '-ldflags=-s -w'];

/** The files the binary is built from, sorted: go.mod, go.sum and every .go file. */
function sourceFiles() {
  return readdirSync(sourceDir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
}

/** Where the binary of the current sources lives (whether or not it has been built). */
export function binaryPath(env = process.env) {
  // The platform and the build flags are part of what the binary is, beside the sources.
  const hash = createHash('sha256').update(`${process.platform}\0${process.arch}\0${BUILD_FLAGS.join(' ')}\0`);
  for (const file of sourceFiles())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(sourceDir, file)))
      .update('\0');
  const cache = env.XRAY_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'xray');
  return join(cache, NAME, hash.digest('hex').slice(0, 16), NAME);
}

/** `gomod:` lines of the manifest: module -> version (a value may be quoted and followed by a comment). */
function manifestModules() {
  const modules = new Map();
  const line = /^\s*-\s*gomod:\s*(["']?)(\S+)\s+([^\s"'#]+)\1\s*(?:#.*)?$/gm;
  for (const m of readFileSync(manifestFile, 'utf8').matchAll(line)) modules.set(m[2], m[3]);
  return modules;
}

/** Every required module of go.mod: module -> version. */
function goModModules() {
  const text = readFileSync(join(sourceDir, 'go.mod'), 'utf8');
  const modules = new Map();
  for (const block of text.matchAll(/^require \(([\s\S]*?)^\)/gm))
    for (const m of block[1].matchAll(/^\s*(\S+)\s+(v\S+)/gm)) modules.set(m[1], m[2]);
  for (const m of text.matchAll(/^require\s+(\S+)\s+(v\S+)/gm)) modules.set(m[1], m[2]);
  return modules;
}

/**
 * The manifest and the Go sources agree: go.mod requires each manifest module at its version,
 * components.go and main.go import each of them and no other component, and every collector
 * module go.mod pulls in is of the same release. Returns the problems found (none: []).
 */
export function checkSources() {
  const problems = [];
  const wanted = manifestModules();
  const have = goModModules();
  if (wanted.size === 0) problems.push(`${manifestFile} lists no gomod modules`);
  for (const [mod, version] of wanted) {
    if (have.get(mod) !== version)
      problems.push(`go.mod has ${mod} ${have.get(mod) ?? '(missing)'}, manifest ${version}`);
  }
  const imported = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.go'))
    .flatMap((f) => [
      ...readFileSync(join(sourceDir, f), 'utf8').matchAll(
        /"([^"]+\/(?:[a-z]+(?:receiver|processor|exporter|provider|extension|connector)))"/g
      ),
    ])
    .map((m) => m[1]);
  for (const mod of new Set(imported))
    if (!wanted.has(mod)) problems.push(`the sources import ${mod}, not in the manifest`);
  for (const mod of wanted.keys()) if (!imported.includes(mod)) problems.push(`the sources do not import ${mod}`);
  const release = [...wanted.values()].find((v) => v.startsWith('v0.'));
  const stable = [...wanted.entries()].find(([m]) => m.startsWith('go.opentelemetry.io/collector/confmap/'))?.[1];
  for (const [mod, version] of have) {
    const collector = mod.startsWith('go.opentelemetry.io/collector/');
    const contrib = mod.startsWith('github.com/open-telemetry/opentelemetry-collector-contrib/');
    if ((collector || contrib) && version !== release && !(collector && version === stable))
      problems.push(`go.mod has ${mod} ${version}: not of release ${release} (stable ${stable})`);
  }
  return problems;
}

/** Runs a command, forwarding nothing; resolves with its stderr, rejects with a readable error. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) =>
      reject(
        err.code === 'ENOENT'
          ? new Error(
              `"${command}" was not found: building the collector needs Go 1.26 or later on PATH ` +
                '(or GO=/path/to/go). Install it from your package manager or go.dev/dl.'
            )
          : err
      )
    );
    child.on('close', (code) =>
      code === 0 ? resolve(stderr) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr}`))
    );
  });
}

/**
 * Builds the binary unless the cache holds it, and returns its path. `log` receives progress
 * lines (the first build takes minutes).
 */
export async function buildCollector({ log = (line) => process.stderr.write(`${line}\n`), env = process.env } = {}) {
  const target = binaryPath(env);
  if (existsSync(target)) return target;
  const problems = checkSources();
  if (problems.length > 0)
    throw new Error(`otelcol-xray's sources disagree with ${manifestFile}:\n  ${problems.join('\n  ')}`);
  const go = env.GO || 'go';
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  log(`otelcol-xray: not built yet for these sources; building ${target}`);
  log(
    'otelcol-xray: this takes minutes the first time (module download, then compiling ~200 packages); later runs reuse it'
  );
  const ticker = setInterval(() => log(`otelcol-xray: still building (${elapsed()})`), 20_000);
  try {
    log(`otelcol-xray: downloading modules (${go} mod download)`);
    await run(go, ['mod', 'download'], { cwd: sourceDir, env });
    log(`otelcol-xray: modules ready after ${elapsed()}; compiling (${go} build)`);
    mkdirSync(join(target, '..'), { recursive: true });
    const partial = `${target}.${process.pid}.tmp`;
    try {
      await run(go, ['build', ...BUILD_FLAGS, '-o', partial, '.'], { cwd: sourceDir, env });
      chmodSync(partial, 0o755);
      renameSync(partial, target); // atomic: a concurrent build or reader never sees half a binary
    } finally {
      rmSync(partial, { force: true });
    }
  } finally {
    clearInterval(ticker);
  }
  log(`otelcol-xray: built in ${elapsed()}`);
  return target;
}

async function main(args) {
  if (args.includes('--check')) {
    const problems = checkSources();
    if (problems.length > 0) throw new Error(problems.join('\n'));
    process.stdout.write(`otelcol-xray: ${manifestFile} and go.mod agree (${manifestModules().size} modules)\n`);
    return;
  }
  if (args.includes('--path')) {
    process.stdout.write(`${binaryPath()}\n`);
    return;
  }
  const path = await buildCollector({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`${path}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

#!/usr/bin/env node
// Dependencies point one way: otel <- sdk; otel <- core <- auth <- receiver | query | cli; core <- processor.
// Services never import each other; only the launcher (stack), the tests (e2e), the benchmarks
// (bench) and the reliability suite (reliability) may reach across. This reads every import in
// every package's sources and fails on any import of a workspace package that the table below does
// not allow.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const allowed = {
  otel: [],
  core: ['otel'],
  auth: ['core'],
  sdk: ['otel'],
  receiver: ['otel', 'core', 'auth'],
  processor: ['otel', 'core'],
  query: ['otel', 'core', 'auth'],
  cli: ['core', 'auth'],
  stack: ['otel', 'core', 'auth', 'sdk'],
  e2e: ['otel', 'core', 'auth', 'cli', 'sdk', 'stack'],
  bench: ['otel', 'core', 'auth', 'sdk', 'stack'],
  reliability: ['otel', 'core', 'auth', 'sdk', 'stack'],
  // The Grafana plugin runs in the browser: it may import only types (the API answers) from core.
  'grafana-plugin': ['core'],
};

/** Packages that may import workspace packages for their types only (nothing reaches their bundle). */
const typesOnly = new Set(['grafana-plugin']);

const root = new URL('..', import.meta.url).pathname;
const importRe = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"](@xray\/[a-z-]+)|import\(\s*['"](@xray\/[a-z-]+)['"]\s*\)/g;
const problems = [];

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, visit);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) visit(path);
  }
}

for (const [pkg, deps] of Object.entries(allowed)) {
  const src = join(root, pkg, 'src');
  try {
    statSync(src);
  } catch {
    continue;
  }
  walk(src, (file) => {
    for (const match of readFileSync(file, 'utf8').matchAll(importRe)) {
      const target = (match[1] ?? match[2]).slice('@xray/'.length);
      if (typesOnly.has(pkg) && !/^\s*(import|export)\s+type\s/.test(match[0])) problems.push(`${file.slice(root.length)} imports @xray/${target} for more than types; ${pkg} runs in the browser and may import only types`);
      if (target !== pkg && !deps.includes(target)) problems.push(`${file.slice(root.length)} imports @xray/${target}; ${pkg} may import only ${deps.map((d) => '@xray/' + d).join(', ') || 'no workspace package'}`);
    }
  });
  const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (dep.startsWith('@xray/') && !deps.includes(dep.slice('@xray/'.length))) problems.push(`${pkg}/package.json depends on ${dep}, which ${pkg} may not use`);
  }
}

if (problems.length > 0) {
  process.stderr.write(`Dependency direction violated:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`dependency directions ok (${Object.keys(allowed).length} packages)\n`);

#!/usr/bin/env node
// Dependencies point one way, and nothing imports in a circle.
//
// 1. Between packages: otel <- sdk; otel <- core <- auth <- receiver | processor | query | cli.
//    Services never import each other; only the launcher (stack), the tests (e2e), the benchmarks
//    (bench) and the reliability suite (reliability) may reach across (the suite imports the
//    processor to start it with faults). `@xray/core` is imported by
//    purpose (`@xray/core/api`, ...), and each package may use only the purposes listed for it: the
//    CLI and the Grafana plugin only the query API's answer types, no service the test helpers.
// 2. Inside core: each purpose folder may import only the folders listed for it.
// 3. No import cycle anywhere, type-only imports included (they tie modules together as tightly).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const CORE_ALL = ['model', 'otlp', 'ingest', 'storage', 'queries', 'api', 'service', 'retention', 'testing'].map(
  (p) => `core/${p}`
);

/** Workspace imports each package may make: a package name, or `core/<purpose>`. */
const allowed = {
  otel: [],
  core: ['otel'],
  auth: ['core/model', 'core/service'],
  sdk: ['otel'],
  receiver: ['otel', 'core/model', 'core/otlp', 'core/ingest', 'core/service', 'core/storage', 'auth'],
  processor: ['otel', 'core/model', 'core/ingest', 'core/storage', 'core/service', 'core/retention', 'auth'],
  query: ['otel', 'core/model', 'core/storage', 'core/queries', 'core/api', 'core/service', 'core/retention', 'auth'],
  cli: ['core/api', 'auth'],
  stack: ['otel', 'core/api', 'core/ingest', 'core/service', 'core/storage', 'auth', 'sdk'],
  e2e: ['otel', ...CORE_ALL, 'auth', 'cli', 'sdk', 'stack'],
  bench: ['otel', ...CORE_ALL, 'auth', 'sdk', 'stack'],
  // The reliability suite starts the processor's own wiring with a stage hook (its faulty processor).
  reliability: ['otel', ...CORE_ALL, 'auth', 'processor', 'sdk', 'stack'],
  // The Grafana plugin runs in the browser: it may import only types, and only the API's.
  'grafana-plugin': ['core/api'],
};

/** Inside core: the purpose folders each folder may import (besides itself). */
const coreFolders = {
  model: [],
  otlp: ['model'],
  ingest: ['model', 'otlp'],
  storage: ['model'],
  queries: [],
  api: ['model'],
  service: [],
  retention: ['storage', 'model'],
  testing: ['model', 'otlp', 'ingest'],
};

/** Tests (and their fixtures) may also use core's test helpers. */
const isTest = (file) => /\.(test|fixture)\.tsx?$/.test(file);

/** Packages that may import workspace packages for their types only (nothing reaches their bundle). */
const typesOnly = new Set(['grafana-plugin']);

const root = new URL('..', import.meta.url).pathname;
const importRe = /(?:^|\s)(import|export)\s(type\s)?[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const sourceRe = /\.(ts|tsx|mts|js|mjs)$/;
const problems = [];
/** file -> files it imports (within the repository). */
const graph = new Map();

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') walk(path, visit);
    } else if (sourceRe.test(name) && !name.endsWith('.d.ts')) visit(path);
  }
}

const exists = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The source file a specifier names, if it is in this repository. */
function resolve(from, specifier) {
  let base;
  if (specifier.startsWith('.')) base = join(dirname(from), specifier);
  else if (specifier.startsWith('@xray/')) {
    const [pkg, purpose] = specifier.slice('@xray/'.length).split('/');
    base = join(root, pkg, 'src', purpose ?? '', 'index.js');
  } else return undefined;
  const stem = base.replace(/\.(js|mjs|ts|tsx)$/, '');
  for (const candidate of [
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mjs`,
    `${stem}.js`,
    join(stem, 'index.ts'),
    join(stem, 'index.tsx'),
  ]) {
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

for (const [pkg, deps] of Object.entries(allowed)) {
  const src = join(root, pkg, 'src');
  if (!exists(join(root, pkg, 'package.json'))) continue;
  const dirs = [src, join(root, pkg, 'test'), join(root, pkg, 'harness')].filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
  for (const dir of dirs) {
    walk(dir, (file) => {
      const at = relative(root, file);
      const edges = [];
      for (const match of readFileSync(file, 'utf8').matchAll(importRe)) {
        const specifier = match[3] ?? match[4];
        const target = resolve(file, specifier);
        if (target) edges.push(target);
        if (pkg === 'core' && specifier.startsWith('.')) checkCoreFolder(at, target);
        const mayUse = isTest(at) ? [...deps, 'core/testing'] : deps;
        if (!specifier.startsWith('@xray/')) continue;
        const [name, purpose] = specifier.slice('@xray/'.length).split('/');
        const entry = purpose ? `${name}/${purpose}` : name;
        if (name === 'core' && !purpose)
          problems.push(
            `${at} imports @xray/core; import it by purpose (${CORE_ALL.map((c) => '@xray/' + c).join(', ')})`
          );
        else if (name !== pkg && !mayUse.includes(entry)) {
          problems.push(
            `${at} imports @xray/${entry}; ${pkg} may import only ${deps.map((d) => '@xray/' + d).join(', ') || 'no workspace package'}`
          );
        }
        if (typesOnly.has(pkg) && match[1] !== undefined && match[2] === undefined) {
          problems.push(
            `${at} imports @xray/${entry} for more than types; ${pkg} runs in the browser and may import only types`
          );
        }
      }
      graph.set(file, edges);
    });
  }
  const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (!dep.startsWith('@xray/')) continue;
    const name = dep.slice('@xray/'.length);
    if (!deps.some((d) => d === name || d.startsWith(`${name}/`)))
      problems.push(`${pkg}/package.json depends on ${dep}, which ${pkg} may not use`);
  }
}

/** A relative import between core's purpose folders must be one that folder may make. */
function checkCoreFolder(at, target) {
  if (!target) return;
  const from = at.split('/')[2];
  const to = relative(root, target).split('/')[2];
  if (from === to || !(from in coreFolders) || (isTest(at) && to === 'testing')) return;
  if (!coreFolders[from].includes(to)) {
    problems.push(
      `${at} imports core/src/${to}; core/src/${from} may import only ${coreFolders[from].map((f) => `core/src/${f}`).join(', ') || 'itself'}`
    );
  }
}

for (const component of cycles(graph)) {
  const path = loopThrough(component, graph);
  problems.push(`import cycle: ${path.map((f) => relative(root, f)).join(' -> ')}`);
}

if (problems.length > 0) {
  process.stderr.write(`Dependency direction violated:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(
  `dependency directions ok (${Object.keys(allowed).length} packages, ${graph.size} files, no import cycle)\n`
);

/** One cycle per strongly connected component of more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(edges) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    // Iterative depth-first search: import chains can be long.
    const frames = [{ v, next: 0 }];
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    while (frames.length > 0) {
      const frame = frames.at(-1);
      const out = edges.get(frame.v) ?? [];
      if (frame.next < out.length) {
        const w = out[frame.next++];
        if (!indexOf.has(w)) {
          indexOf.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          frames.push({ v: w, next: 0 });
        } else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v), indexOf.get(w)));
        continue;
      }
      frames.pop();
      if (frames.length > 0) low.set(frames.at(-1).v, Math.min(low.get(frames.at(-1).v), low.get(frame.v)));
      if (low.get(frame.v) === indexOf.get(frame.v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.v);
        if (component.length > 1 || out.includes(frame.v)) found.push(component.reverse());
      }
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** A shortest import path from a component's first file back to itself, staying in the component. */
function loopThrough(component, edges) {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}

#!/usr/bin/env node
// Generates the conventions in every language from the one registry, otel/conventions.json:
//   otel/src/conventions.generated.ts   (TypeScript constants, @xray/otel)
//   sdk-python/src/xray/conventions.py  (Python constants, the xray package)
//   otel/README.md                      (the table between the registry markers)
// `node otel/scripts/generate.mjs` writes them; `--check` only compares and fails on any difference.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const registry = JSON.parse(readFileSync(`${root}otel/conventions.json`, 'utf8'));
const HEADER = 'Generated from otel/conventions.json by otel/scripts/generate.mjs: do not edit, edit the registry.';
const GROUPS = {
  common: 'On every X-Ray span',
  run: 'Run span',
  step: 'Step span (and, for the id and offset, decision chunk spans)',
  decision: 'Decision event',
  payload_refs:
    "Payload references: a payload too large to ride in a span is uploaded to PUT /v1/payloads/{day}/{sha256}\n// and the span carries its reference attribute instead: the payload attribute's name with `_ref`,\n// holding `<YYYY-MM-DD>/<sha256 hex>/<bytes>`.",
};

const str = (value) => JSON.stringify(value);
// TypeScript strings in the repository's style (single quotes; the registry's values have no quotes or escapes).
const tsStr = (value) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const tsDoc = (text, indent = '') => `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
/** A number with `_` between groups of thousands when it is an integer (both languages read it), else as it is. */
const grouped = (n) => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, '_') : String(n));
const tsValue = (value) => (typeof value === 'number' ? grouped(value) : tsStr(value));

function typescript() {
  let out = `// ${HEADER}\n`;
  let group;
  for (const a of registry.attributes) {
    if (a.group !== group) out += `\n// ${GROUPS[(group = a.group)]}\n`;
    out += tsDoc(a.brief) + `export const ${a.const} = ${tsStr(a.name)};\n`;
  }
  out += '\n// Enumerated values\n';
  for (const e of registry.enums) {
    out += `\n${tsDoc(e.brief)}export const ${e.const} = {\n`;
    for (const m of e.members) out += (m.brief ? tsDoc(m.brief, '  ') : '') + `  ${m.const}: ${tsStr(m.value)},\n`;
    out += `} as const;\nexport type ${e.type} = (typeof ${e.const})[keyof typeof ${e.const}];\n`;
  }
  out += '\n// Limits and fixed values\n';
  for (const l of registry.limits) out += `\n${tsDoc(l.brief)}export const ${l.const} = ${tsValue(l.value)};\n`;
  return out;
}

const pyDoc = (text) => text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
const pyValue = (value) => (typeof value === 'number' ? grouped(value) : str(value));

function python() {
  const names = [];
  let out = `"""X-Ray's semantic conventions: attribute and event names, enumerations and limits.\n\n${HEADER}\n"""\n\n`;
  out += 'from __future__ import annotations\n\nfrom typing import Final\n';
  let group;
  for (const a of registry.attributes) {
    if (a.group !== group) out += `\n# ${GROUPS[(group = a.group)].replace(/\n\/\/ /g, '\n# ')}\n`;
    out += `${a.const}: Final = ${str(a.name)}\n"""${pyDoc(a.brief)}"""\n`;
    names.push(a.const);
  }
  for (const e of registry.enums) {
    out += `\n\nclass ${e.const}:\n    """${pyDoc(e.brief)}"""\n\n`;
    for (const m of e.members)
      out += `    ${m.const}: Final = ${str(m.value)}\n` + (m.brief ? `    """${pyDoc(m.brief)}"""\n` : '');
    out += `    ALL: Final = frozenset({${e.members.map((m) => str(m.value)).join(', ')}})\n    """Every value."""\n`;
    names.push(e.const);
  }
  out += '\n\n# Limits and fixed values\n';
  for (const l of registry.limits) {
    out += `${l.const}: Final = ${pyValue(l.value)}\n"""${pyDoc(l.brief)}"""\n`;
    names.push(l.const);
  }
  out += `\n__all__ = [\n${names.map((n) => `    ${str(n)},`).join('\n')}\n]\n`;
  return out;
}

const START = '<!-- registry:attributes (generated from conventions.json) -->';
const END = '<!-- /registry:attributes -->';

function readme(current) {
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  if (from < 0 || to < from) throw new Error(`otel/README.md lacks the markers ${START} ... ${END}`);
  const rows = registry.attributes.map((a) => `| \`${a.name}\` | ${a.type} | ${a.on} | ${a.meaning} |`);
  const table = ['| name | type | on | meaning |', '|---|---|---|---|', ...rows].join('\n');
  return `${current.slice(0, from)}${START}\n${table}\n${current.slice(to)}`;
}

const targets = [
  ['otel/src/conventions.generated.ts', () => typescript()],
  ['sdk-python/src/xray/conventions.py', () => python()],
  ['otel/README.md', (current) => readme(current)],
];

const check = process.argv.includes('--check');
const stale = [];
for (const [path, render] of targets) {
  let current = '';
  try {
    current = readFileSync(`${root}${path}`, 'utf8');
  } catch {
    /* a new file */
  }
  const next = render(current);
  if (next === current) continue;
  if (check) stale.push(path);
  else {
    writeFileSync(`${root}${path}`, next);
    console.log(`wrote ${path}`);
  }
}
if (stale.length > 0) {
  console.error(
    `${stale.join(', ')} differ from otel/conventions.json: run "npm run conventions" and commit the result.`
  );
  process.exit(1);
}

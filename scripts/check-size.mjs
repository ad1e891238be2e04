#!/usr/bin/env node
// One idea per module: no source file (tests included; TypeScript, JavaScript, Python, Go) passes MAX_LINES lines. Benchmarks, the
// Grafana scaffold's generated config and build output are left out. Give a concern that outgrows
// it a folder of small modules instead.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_LINES = 300;
const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs|py|go)$/;
const LEFT_OUT = [/^bench\//, /^grafana-plugin\/\.config\//, /(^|\/)dist\//, /\.d\.ts$/];

const root = new URL('..', import.meta.url).pathname;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => SOURCE.test(f) && !LEFT_OUT.some((re) => re.test(f)));
const tooLong = [];
for (const file of files) {
  let lines;
  try {
    lines = readFileSync(root + file, 'utf8').split('\n').length - 1;
  } catch {
    continue; // deleted in the working tree
  }
  if (lines > MAX_LINES) tooLong.push(`  - ${file}: ${lines} lines`);
}
if (tooLong.length > 0) {
  process.stderr.write(`Source files over ${MAX_LINES} lines (split them by concern):\n${tooLong.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`file sizes ok (${files.length} source files, none over ${MAX_LINES} lines)\n`);

#!/usr/bin/env node
// The `xray` command. A plain file that exists before the build, so `npm install` can link it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('xray: the CLI is not built yet; run `npm run build` in the X-Ray repository first.\n');
  process.exit(1);
}
await import(main.href);

#!/usr/bin/env node
import { run } from './cli.js';

const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  progress: Boolean(process.stderr.isTTY),
});
process.exitCode = code;

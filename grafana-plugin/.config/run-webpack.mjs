#!/usr/bin/env node
// Runs the scaffold's webpack config on every supported Node.js. The config is TypeScript loaded by
// ts-node; Node 22+ can load it as it is, Node 20 needs ts-node told to emit CommonJS.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const webpackCli = require.resolve('webpack-cli/bin/cli.js');
const env = { ...process.env, TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node' }) };
const args = [webpackCli, '-c', './.config/webpack/webpack.config.ts', ...process.argv.slice(2)];
const { status, signal } = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(status ?? (signal ? 1 : 0));

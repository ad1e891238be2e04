#!/usr/bin/env node
// Runs the scaffold's webpack config on every supported Node.js. The config is TypeScript loaded by
// ts-node; Node 22+ can load it as it is, Node 20 needs ts-node told to emit CommonJS. After a
// production build it prints the size of each plugin's module.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const webpackCli = require.resolve('webpack-cli/bin/cli.js');
const env = {
  ...process.env,
  TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node' }),
};
const args = process.argv.slice(2);
const { status, signal } = spawnSync(
  process.execPath,
  [webpackCli, '-c', './.config/webpack/webpack.config.ts', ...args],
  { stdio: 'inherit', env }
);
if (status === 0 && args.includes('production')) {
  const sizes = ['dist/module.js', 'dist/datasource/module.js']
    .filter((f) => existsSync(f))
    .map((f) => `${f} ${(statSync(f).size / 1024).toFixed(1)} KiB`);
  const chunks = readdirSync('dist').filter((f) => /^\d+\.js$/.test(f));
  const chunkKiB = chunks.reduce((sum, f) => sum + statSync(`dist/${f}`).size, 0) / 1024;
  process.stdout.write(
    `grafana-plugin built: ${sizes.join(', ')}; ${chunks.length} lazily loaded chunks ${chunkKiB.toFixed(1)} KiB\n`
  );
}
process.exit(status ?? (signal ? 1 : 0));

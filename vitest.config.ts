import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so a test run never depends on a stale build.
// (End-to-end tests start the built services as processes; `npm test` builds first.)
const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@xray/otel': src('otel'),
      '@xray/core': src('core'),
      '@xray/sdk': src('sdk'),
      '@xray/stack': src('stack'),
    },
  },
  test: {
    include: ['*/src/**/*.test.ts', 'e2e/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'grafana-plugin/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./e2e/src/global-setup.ts'],
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so a test run never depends on a stale build.
// (Tests that start services as processes run the built files; `npm test` builds first.)
const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));
const alias = [
  // @xray/core has one entry point per purpose (`@xray/core/api`, ...): core/src/<purpose>/index.ts.
  { find: /^@xray\/core\/([a-z]+)$/, replacement: fileURLToPath(new URL('./core/src/$1/index.ts', import.meta.url)) },
  ...['otel', 'auth', 'cli', 'sdk', 'stack', 'processor'].map((pkg) => ({
    find: `@xray/${pkg}`,
    replacement: src(pkg),
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      {
        // Pure logic, the receiver and key management (which need only Redis), the reliability suite's own parts.
        resolve: { alias },
        test: { name: 'fast', include: ['{otel,core,auth,sdk,receiver,cli,reliability}/src/**/*.test.ts'] },
      },
      {
        // The Grafana plugin's pages, data source and static checks, in jsdom, against recorded answers.
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'grafana-plugin',
          include: ['grafana-plugin/{src,test}/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['./grafana-plugin/test/setup.ts'],
          // @grafana/ui's ES modules import CSS; let Vite load them instead of Node.
          server: { deps: { inline: [/@grafana\//] } },
        },
      },
      {
        // Everything that needs the embedded ClickHouse and s3rver, started once for the run.
        resolve: { alias },
        test: {
          name: 'stack',
          include: ['{processor,query,stack,e2e}/src/**/*.test.ts'],
          globalSetup: ['./e2e/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

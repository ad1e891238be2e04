import type { DemoRuns } from './demo-data.js';

/**
 * The query API answers the Grafana plugin's component tests use, by fixture name. Each is
 * recorded from a running stack with the demo data (fixtures.test.ts), so the fixtures are real
 * answers and cannot drift from the API.
 */
export function fixtureRequests(demo: DemoRuns, now: number): Record<string, string> {
  const from = new Date(now - 3_600_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  return {
    pipelines: `/v1/pipelines?from=${from}&to=${to}`,
    runs: `/v1/runs?from=${from}&to=${to}&limit=50`,
    'runs-empty': `/v1/runs?pipeline=no-such-pipeline&from=${from}&to=${to}&limit=50`,
    run: `/v1/runs/${demo.buggy}`,
    'run-steps': `/v1/runs/${demo.buggy}/steps`,
    'step-reasons': `/v1/steps/${demo.worstStepId}/reasons`,
    'step-decisions': `/v1/steps/${demo.worstStepId}/decisions?limit=50`,
    'step-decisions-eliminated': `/v1/steps/${demo.worstStepId}/decisions?outcome=eliminated&limit=50`,
    decision: `/v1/decisions/${demo.eliminatedEventId}`,
    'item-in-run': `/v1/runs/${demo.buggy}/items/${demo.eliminatedItem}`,
    'item-runs': `/v1/items/${demo.eliminatedItem}/runs?from=${from}&to=${to}`,
    diff: `/v1/runs/${demo.buggy}/diff/${demo.fixed}`,
    'trends-pipeline': `/v1/trends?by=pipeline&interval=1m&from=${from}&to=${to}`,
    'trends-steps': `/v1/trends?by=step&pipeline=vendor-search&interval=1m&from=${from}&to=${to}`,
    'not-found-run': `/v1/runs/00000000000000000000000000000000`,
    'bad-ratio': `/v1/runs?minEliminationRatio=2`,
  };
}

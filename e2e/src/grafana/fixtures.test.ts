import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.js';
import { type DemoRuns, loadDemoRuns } from './demo-data.js';
import { fixtureRequests } from './fixture-requests.js';

// Records the query API answers the Grafana plugin's component tests use, from a running stack with
// the demo data. Ids and times differ on every recording, so the check is on shape: a fixture whose
// fields, types or emptiness no longer match what the API answers fails here.
// XRAY_UPDATE_FIXTURES=1 rewrites the fixtures from this recording.
const fixtureDir = fileURLToPath(new URL('../../../grafana-plugin/test/fixtures/', import.meta.url));
const update = process.env.XRAY_UPDATE_FIXTURES === '1';

interface Fixture {
  path: string;
  status: number;
  body: unknown;
}

/** Field names and value kinds, recursively; arrays by their first element, empty arrays as such. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : [shapeOf(value[0])];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)])
    );
  }
  return typeof value;
}

let stack: TestStack;
let demo: DemoRuns;
const recorded = new Map<string, Fixture>();

beforeAll(async () => {
  stack = await startTestStack('fixtures');
  demo = await loadDemoRuns(stack);
  for (const [name, path] of Object.entries(fixtureRequests(demo, Date.now()))) {
    const { status, body } = await stack.get(path);
    recorded.set(name, { path, status, body });
  }
  if (update) {
    mkdirSync(fixtureDir, { recursive: true });
    for (const [name, fixture] of recorded)
      writeFileSync(`${fixtureDir}${name}.json`, `${JSON.stringify(fixture, null, 2)}\n`);
  }
});

afterAll(async () => {
  await stack?.close();
});

describe('the Grafana plugin fixtures are real query API answers', () => {
  it('records every fixture with the status the plugin expects', () => {
    for (const [name, fixture] of recorded) {
      const expected = name === 'not-found-run' ? 404 : name === 'bad-ratio' ? 400 : 200;
      expect({ name, status: fixture.status }).toEqual({ name, status: expected });
    }
  });

  it('the demo data shows the seed walkthrough: the keyword filter is the worst step', () => {
    const steps = recorded.get('run-steps')!.body as { steps: { name: string; stepId: string }[]; worstStepId: string };
    expect(steps.steps.find((s) => s.stepId === steps.worstStepId)?.name).toBe('filter-by-keywords');
    const diff = recorded.get('diff')!.body as { items: unknown[] };
    expect(diff.items.length).toBeGreaterThan(0);
  });

  for (const name of Object.keys(
    fixtureRequests({ buggy: 'a', fixed: 'b', worstStepId: 's', eliminatedItem: 'i', eliminatedEventId: 'e' }, 0)
  )) {
    it(`fixture ${name} has the shape the API answers today`, () => {
      const file = `${fixtureDir}${name}.json`;
      expect(
        existsSync(file),
        `${file} is missing: run XRAY_UPDATE_FIXTURES=1 npx vitest run e2e/src/grafana/fixtures.test.ts`
      ).toBe(true);
      const kept = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
      const live = recorded.get(name)!;
      expect(
        shapeOf(kept.body),
        `${name} drifted from the API: run XRAY_UPDATE_FIXTURES=1 npx vitest run e2e/src/grafana/fixtures.test.ts`
      ).toEqual(shapeOf(live.body));
      expect(kept.status).toBe(live.status);
    });
  }
});

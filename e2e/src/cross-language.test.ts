import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.fixture.js';
import { SCENARIO, runScenario } from './cross-language.fixture.js';
import { eventually, startTestStack, type TestStack } from './harness.js';
import { testPython } from './python.fixture.js';

// The same pipeline written with the TypeScript SDK and with the Python SDK, each into a stack of
// its own (one project each, so the same fixed run id can be used more than once): through receiver,
// processor, ClickHouse and S3, the query API answers the same counts, ratios, sampled positions,
// reasons and payloads for both, and for the Python SDK sending through the real OpenTelemetry
// Collector (collector.test.ts does the same for the TypeScript SDK).

const exec = promisify(execFile);
const scenarioPy = fileURLToPath(new URL('../python/scenario.py', import.meta.url));

interface StepAnswer {
  stepId: string;
  name: string;
  recordedCount: number;
}
interface DecisionPage {
  decisions: { eventId: string }[];
  nextCursor: string | null;
}

/** Drops what differs between two recordings of the same run: times and durations. */
function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/(At|timestamp|durationMs)$/.test(k))
      .map(([k, v]) => [k, timeless(v)])
  );
}

/** Everything the query API says about the scenario's run, without times. */
async function answers(stack: TestStack) {
  const run = await eventually(
    async () => {
      const res = await stack.get<{ status: string; totalSteps: number }>(`/v1/runs/${SCENARIO.runId}`);
      return res.status === 200 && res.body.totalSteps === 2 ? res.body : undefined;
    },
    30_000,
    `the run in ${stack.projectId}`
  );
  const steps = (await stack.get<{ steps: StepAnswer[] }>(`/v1/runs/${SCENARIO.runId}/steps`)).body;
  const decisions: Record<string, unknown[]> = {};
  const details: unknown[] = [];
  for (const step of steps.steps) {
    const listed = await eventually(
      async () => {
        const all: { eventId: string }[] = [];
        let cursor: string | null = null;
        do {
          const page: DecisionPage = (
            await stack.get<DecisionPage>(
              `/v1/steps/${step.stepId}/decisions?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
            )
          ).body;
          all.push(...page.decisions);
          cursor = page.nextCursor;
        } while (cursor);
        return all.length === step.recordedCount ? all : undefined;
      },
      30_000,
      `the decisions of ${step.name}`
    );
    decisions[step.name] = listed;
    // Payloads from S3: the first decisions of each step, and the last (the sampler always keeps it).
    for (const d of [...listed.slice(0, 8), listed.at(-1)!]) {
      details.push((await stack.get(`/v1/decisions/${d.eventId}`)).body);
    }
  }
  const reasons = (await stack.get(`/v1/steps/${steps.steps[0]!.stepId}/reasons`)).body;
  const item = (await stack.get(`/v1/runs/${SCENARIO.runId}/items/item-0`)).body;
  return timeless({ run, steps, decisions, details, reasons, item }) as {
    run: Record<string, unknown>;
    steps: { steps: (StepAnswer & Record<string, unknown>)[] };
    decisions: Record<string, { seq: number; outcome: string }[]>;
  };
}

let ts: TestStack;
let py: TestStack;
let pyViaCollector: TestStack;
let collector: Collector;

beforeAll(async () => {
  [ts, py, pyViaCollector] = await Promise.all([
    startTestStack('xlang_ts'),
    startTestStack('xlang_py'),
    startTestStack('xlang_pyc'),
  ]);
  collector = await startCollector({
    receiverUrl: pyViaCollector.receiverUrl,
    ingestKey: pyViaCollector.keys.ingestKey,
  });
});
afterAll(async () => {
  await collector?.stop();
  await Promise.all([ts?.close(), py?.close(), pyViaCollector?.close()]);
});

/** Runs e2e/python/scenario.py, sending spans to `endpoint` with the stack's ingest key. */
function runPython(stack: TestStack, endpoint: string) {
  return exec(testPython(), [scenarioPy], {
    env: {
      ...process.env,
      XRAY_ENDPOINT: endpoint,
      XRAY_PAYLOAD_ENDPOINT: stack.receiverUrl,
      XRAY_API_KEY: stack.keys.ingestKey,
    },
    timeout: 60_000,
  });
}

describe('the same pipeline in TypeScript and in Python', () => {
  it('gives identical counts, ratios, sampled positions, reasons and payloads through the query API', async () => {
    const [tsRunId, pyOut, pyCollectorOut] = await Promise.all([
      runScenario(`${ts.receiverUrl}/v1/traces`, ts.keys.ingestKey),
      runPython(py, `${py.receiverUrl}/v1/traces`),
      runPython(pyViaCollector, `${collector.otlpHttpUrl}/v1/traces`),
    ]);
    expect(tsRunId).toBe(SCENARIO.runId);
    expect(pyOut.stdout).toContain(`run ${SCENARIO.runId}`);
    expect(pyCollectorOut.stdout).toContain(`run ${SCENARIO.runId}`);

    const [fromTs, fromPy, fromPyViaCollector] = await Promise.all([answers(ts), answers(py), answers(pyViaCollector)]);
    // What the scenario is: 1,000 items, exactly 137 eliminated by the filter, the rest ranked.
    expect(fromTs.run).toMatchObject({ inputCount: 1000, outputCount: 10, status: 'ok', totalSteps: 2 });
    const [filter, rank] = fromTs.steps.steps;
    expect(filter).toMatchObject({
      name: 'threshold',
      inputCount: 1000,
      eliminatedCount: 137,
      eliminationRatio: 0.137,
    });
    expect(filter!.recordedCount).toBeLessThan(30); // sampled
    expect(rank).toMatchObject({ name: 'rank', inputCount: 863, scoredCount: 863, recordedCount: 863 });
    expect(fromTs.decisions['threshold']!.some((d) => d.outcome === 'eliminated')).toBe(true);

    // And the two languages agree on all of it.
    expect(fromPy.run).toEqual(fromTs.run);
    expect(fromPy.steps).toEqual(fromTs.steps);
    expect(fromPy.decisions['threshold']!.map((d) => d.seq)).toEqual(fromTs.decisions['threshold']!.map((d) => d.seq));
    expect(fromPy).toEqual(fromTs);
    // The collector route stores the same.
    expect(fromPyViaCollector).toEqual(fromTs);
  }, 120_000);
});

import { createClient } from '@clickhouse/client';
import { openKeyStore, type ProjectKeys, provisionProject } from '@xray/auth';
import type {
  DecisionDetail,
  DecisionListResponse,
  ReasonHistogramResponse,
  RunSummary,
  StepListResponse,
} from '@xray/core/api';
import { QueueFields } from '@xray/core/ingest';
import { type CaptureLevel, XRay } from '@xray/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Collector,
  debugExporterSpans,
  PLAIN_MARKER,
  sendPlainSpans,
  sequentialIds,
  startCollector,
} from './collector.fixture.js';
import { eventually, startTestStack, type TestStack } from './harness.js';
import { sendSearchRun } from './pipeline.fixture.js';

// The collector route for real: the SDK sends to otelcol-xray running otel/collector/xray-collector.yaml,
// which forwards X-Ray's spans to the receiver. The same scenario also goes straight to the receiver,
// into a second project and with the same ids (the sampler's choices depend on the run id), so the
// two routes must store the very same rows, times apart. Ordinary spans sent to the collector must
// reach its other pipeline (the debug exporter) and nothing of X-Ray.
const CAPTURES: CaptureLevel[] = ['full', 'sampled'];
const TAP = 'collector-test-tap'; // a consumer group that never reads: the processor trims nothing

let stack: TestStack;
let collector: Collector;
let direct: ProjectKeys;
let routed: ProjectKeys;
let redis: Redis;
const runIds: string[] = [];
let plain: { spans: number; traces: string[] };
let exitCode: number | null | undefined;

async function sendScenario(keys: ProjectKeys, endpoint: string, capture: CaptureLevel, seed: number) {
  const xray = new XRay({
    endpoint: `${endpoint}/v1/traces`,
    payloadEndpoint: stack.receiverUrl, // large payloads go to the receiver, never through a collector
    apiKey: keys.ingestKey,
    capture,
    idGenerator: sequentialIds(seed),
  });
  const runId = await sendSearchRun(xray);
  await xray.shutdown();
  expect(xray.stats(), `${capture} via ${endpoint}`).toMatchObject({ spansDropped: 0, exportFailures: 0 });
  return runId;
}

beforeAll(async () => {
  stack = await startTestStack('collector');
  direct = stack.keys;
  const store = openKeyStore(stack.authStore, stack.redisUrl);
  routed = await provisionProject(store, `${direct.projectId}-c`).finally(() => store.close());
  redis = new Redis(stack.redisUrl);
  await redis.xgroup('CREATE', stack.stream, TAP, '0', 'MKSTREAM');
  collector = await startCollector({ receiverUrl: stack.receiverUrl, ingestKey: routed.ingestKey });
  for (const [i, capture] of CAPTURES.entries()) {
    const a = await sendScenario(direct, stack.receiverUrl, capture, i + 1);
    const b = await sendScenario(routed, collector.otlpHttpUrl, capture, i + 1);
    expect(b).toBe(a);
    runIds.push(a);
  }
  plain = await sendPlainSpans(collector.otlpHttpUrl, runIds[0]!);
}, 600_000); // a machine's first run builds the collector (`node otel/collector/build.mjs`: minutes)

afterAll(async () => {
  exitCode = await collector?.stop();
  redis?.disconnect();
  await stack?.close();
});

const get = async <T>(keys: ProjectKeys, path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${stack.queryUrl}${path}`, { headers: { authorization: `Bearer ${keys.readKey}` } });
  return { status: res.status, body: (await res.json()) as T };
};

/** Everything the query API says about a run: summary, steps, reasons, every decision, some payloads. */
async function describeRun(keys: ProjectKeys, runId: string) {
  const steps = await eventually(
    async () => {
      const { body } = await get<StepListResponse>(keys, `/v1/runs/${runId}/steps`);
      const all = body.steps?.length === 3 && body.steps.every((s) => s.endedAt);
      return all && (await get<RunSummary>(keys, `/v1/runs/${runId}`)).status === 200 ? body : undefined;
    },
    30_000,
    `run ${runId} of ${keys.projectId}`
  );
  const run = (await get<RunSummary>(keys, `/v1/runs/${runId}`)).body;
  const perStep = [];
  for (const step of steps.steps) {
    const decisions = await eventually(async () => {
      const { body } = await get<DecisionListResponse>(keys, `/v1/steps/${step.stepId}/decisions?limit=1000`);
      return body.decisions.length === Math.min(step.recordedCount, 1000) ? body.decisions : undefined;
    });
    const reasons = (await get<ReasonHistogramResponse>(keys, `/v1/steps/${step.stepId}/reasons?examples=10`)).body;
    const details = [];
    for (const d of [decisions[0]!, decisions[decisions.length >> 1]!, decisions.at(-1)!])
      details.push((await get<DecisionDetail>(keys, `/v1/decisions/${d.eventId}`)).body);
    perStep.push({ decisions, reasons, details });
  }
  // Times differ between the routes, and so does the project in payload keys; nothing else may.
  const text = JSON.stringify({ run, steps, perStep }, (key, value: unknown) =>
    /At$|^timestamp$|^durationMs$/.test(key) ? '<time>' : value
  );
  return JSON.parse(text.replaceAll(keys.projectId, '<project>')) as unknown;
}

describe('the collector route (otelcol-xray running otel/collector/xray-collector.yaml)', () => {
  it.each(CAPTURES.map((c, i) => [c, i] as const))(
    'stores a %s run sent through the collector exactly as one sent straight to the receiver',
    async (_capture, i) => {
      const straight = await describeRun(direct, runIds[i]!);
      const routedRun = await describeRun(routed, runIds[i]!);
      expect(routedRun).toEqual(straight);
      expect(straight).toMatchObject({ run: { pipeline: 'e2e-search', inputCount: 1000, outputCount: 10 } });
    }
  );

  it('keeps ordinary spans (in an X-Ray trace or their own) away from X-Ray, on the other pipeline', async () => {
    for (const runId of runIds) await describeRun(routed, runId);
    // The debug exporter (the "existing backend") logged exactly the ordinary spans, no X-Ray span.
    await eventually(async () => (debugExporterSpans(collector.stderr()) >= plain.spans ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500)); // its batch timeout (1 s): nothing more may come
    expect(debugExporterSpans(collector.stderr())).toBe(plain.spans);

    // The receiver was sent X-Ray spans only, as many by the collector as by the SDKs directly.
    const entries = (await redis.xrangeBuffer(stack.stream, '-', '+')).map(
      ([, fields]) =>
        new Map(Array.from({ length: fields.length / 2 }, (_, k) => [String(fields[2 * k]), fields[2 * k + 1]!]))
    );
    const spansOf = (keys: ProjectKeys) =>
      entries
        .filter((e) => String(e.get(QueueFields.PROJECT_ID)) === keys.projectId)
        .reduce((sum, e) => sum + Number(String(e.get(QueueFields.ACCEPTED_SPANS))), 0);
    expect(spansOf(direct)).toBeGreaterThanOrEqual(2 * 4); // two runs of a run span and three step spans
    expect(spansOf(routed)).toBe(spansOf(direct));
    const bodies = entries.map((e) => e.get(QueueFields.BODY)!);
    expect(bodies.some((b) => b.includes('e2e-search'))).toBe(true); // the bodies are searchable
    expect(bodies.filter((b) => b.includes(PLAIN_MARKER))).toEqual([]);
    const metrics = await (await fetch(`${stack.receiverUrl}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(metric('xray_receiver_spans_ignored_total')).toBe(0);
    expect(metric('xray_receiver_spans_accepted_total')).toBe(2 * spansOf(direct));

    // ClickHouse holds the same rows for both projects, and none of the ordinary traces.
    const ch = createClient({ url: stack.clickhouseUrl, database: stack.database });
    try {
      for (const table of ['runs', 'steps', 'decision_events', 'item_decisions']) {
        const rows = await (
          await ch.query({
            query: `SELECT project_id p, count() c, countIf(run_id IN {plain:Array(String)}) stray
                    FROM ${table} FINAL GROUP BY p ORDER BY p`,
            query_params: { plain: plain.traces },
            format: 'JSONEachRow',
          })
        ).json<{ p: string; c: string; stray: string }>();
        expect(
          rows.map((r) => [table, r.p, Number(r.stray)]),
          table
        ).toEqual([
          [table, direct.projectId, 0],
          [table, routed.projectId, 0],
        ]);
        expect(rows[1]!.c, table).toBe(rows[0]!.c);
      }
    } finally {
      await ch.close();
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    exitCode = await collector.stop();
    expect(exitCode).toBe(0);
    expect(collector.stderr()).toContain('Shutdown complete.');
    expect(collector.stderr()).not.toMatch(/\t(error|warn)\t/);
  });
});

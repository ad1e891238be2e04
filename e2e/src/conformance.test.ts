import { createClient } from '@clickhouse/client';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ELIMINATED, KEPT, SCORED, XRay, XRStepType } from '@xray/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// The reference OpenTelemetry exporters are the clients the receiver must accept byte for byte:
// the same spans sent as OTLP/protobuf, OTLP/JSON and gzip variants must give identical rows.
let stack: TestStack;
let spans: ReadableSpan[];
const DECISIONS = 1500; // more than one span holds, so decision chunk spans are exercised too

beforeAll(async () => {
  stack = await startTestStack('conf');
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: 'full' });
  const items = Array.from({ length: DECISIONS }, (_, i) => ({ id: `i-${i}`, text: `naïve ✓ ${i}` }));
  const runId = await xray.startRun('conformance', items);
  const kept = await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) =>
      input.map((it, i) => ({
        itemId: it.id,
        outcome: i % 3 === 0 ? ELIMINATED : KEPT,
        reason: `r${i % 7}`,
        input: it,
        metadata: { big: 2 ** 60 },
      })),
    items
  );
  await xray.step(
    runId,
    XRStepType.SCORE,
    'score',
    (input: typeof kept) =>
      input
        .filter((d) => d.outcome === KEPT)
        .map((d, i) => ({ itemId: d.itemId, outcome: SCORED, score: i / 7, reason: 'scored' })),
    kept
  );
  await xray.endRun(runId, kept);
  await xray.flush();
  spans = memory.getFinishedSpans();
  await xray.shutdown();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** Every row of the three tables for the project, in a stable order, without ingest time. */
async function snapshot(): Promise<string> {
  const ch = createClient({ url: stack.clickhouseUrl, database: stack.database });
  try {
    const out: unknown[] = [];
    const tables = [
      ['runs', 'SELECT * EXCEPT ingested_at FROM runs FINAL ORDER BY run_id'],
      ['steps', 'SELECT * EXCEPT ingested_at FROM steps FINAL ORDER BY step_id'],
      ['decision_events', 'SELECT * FROM decision_events FINAL ORDER BY step_id, seq'],
    ] as const;
    for (const [, query] of tables) {
      const result = await ch.query({ query, format: 'JSONEachRow' });
      out.push(await result.json());
    }
    return JSON.stringify(out);
  } finally {
    await ch.close();
  }
}

async function truncate(): Promise<void> {
  const ch = createClient({ url: stack.clickhouseUrl, database: stack.database });
  for (const table of ['runs', 'steps', 'decision_events']) await ch.command({ query: `TRUNCATE TABLE ${table}` });
  await ch.close();
}

function send(exporter: SpanExporter): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) =>
      result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed'))
    )
  );
}

async function ingest(exporter: SpanExporter): Promise<string> {
  await truncate();
  await send(exporter);
  await exporter.shutdown();
  return eventually(
    async () => {
      const snap = await snapshot();
      const [runs, steps, decisions] = JSON.parse(snap) as unknown[][];
      return runs!.length === 1 && steps!.length === 2 && decisions!.length === DECISIONS + 1000 ? snap : undefined;
    },
    30_000,
    'all rows to be stored'
  );
}

describe('OTLP conformance with the reference exporters', () => {
  it('stores identical rows from protobuf, JSON, and their gzip variants', async () => {
    const url = `${stack.receiverUrl}/v1/traces`;
    const headers = { authorization: `Bearer ${stack.keys.ingestKey}` };
    const proto = await ingest(new ProtoExporter({ url, headers }));
    const json = await ingest(new HttpJsonExporter({ url, headers }));
    const protoGzip = await ingest(new ProtoExporter({ url, headers, compression: 'gzip' as never }));
    const jsonGzip = await ingest(new HttpJsonExporter({ url, headers, compression: 'gzip' as never }));
    expect(json).toBe(proto);
    expect(protoGzip).toBe(proto);
    expect(jsonGzip).toBe(proto);
    // Nanosecond timestamps survive JSON, where they exceed 2^53.
    const [runs] = JSON.parse(proto) as { started_at: string }[][];
    const span = spans.find((s) => s.parentSpanContext === undefined)!;
    const [seconds, nanos] = span.startTime;
    expect(runs![0]!.started_at.replace(/^.*\./, '')).toBe(String(nanos).padStart(9, '0'));
    expect(seconds).toBeGreaterThan(0);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { InMemorySpanExporter, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_XRAY_SPAN_KIND, isCaptureLevel, type StepType } from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { XRay, reasonClass, sampledPositions } from './index.js';
import { reasonClassInputs, recordingCases, samplerCases, type RecordingCase } from './vectors.fixture.js';

// The shared test vectors: otel/test-vectors/*.json hold inputs and the outputs every X-Ray SDK must
// give for them (the Python SDK's tests read the same files). This test checks the TypeScript SDK
// against them; XRAY_UPDATE_VECTORS=1 rewrites them from vectors.fixture.ts instead (a deliberate
// change of the contract: review the diff, and the other SDKs must follow).

const dir = new URL('../../otel/test-vectors/', import.meta.url);
const update = process.env.XRAY_UPDATE_VECTORS === '1';

function vectorFile(name: string, build: () => unknown): unknown {
  const url = new URL(name, dir);
  if (update) writeFileSync(url, `${pretty(build(), '')}\n`);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** JSON with one line per leaf object or array of primitives: readable diffs, not one line per field. */
function pretty(value: unknown, indent: string): string {
  const nested = (v: unknown) => v !== null && typeof v === 'object' && Object.keys(v).length > 0;
  if (value === null || typeof value !== 'object' || !Object.values(value).some(nested)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/** Ids from the vector: its trace id, then its span ids in the order spans start. */
function fixedIds(ids: RecordingCase['ids']): IdGenerator {
  let next = 0;
  return {
    generateTraceId: () => ids.traceId,
    generateSpanId: () => {
      const id = ids.spanIds[next++];
      if (id === undefined) throw new Error('the vector has fewer span ids than the SDK started spans');
      return id;
    },
  };
}

/** A span as the vectors hold it: X-Ray's attributes and events only, no times. */
function vectorSpan(span: ReadableSpan) {
  const xray = (attributes: object) =>
    Object.fromEntries(
      Object.entries(attributes)
        .filter(([k]) => k.startsWith('xray.'))
        .sort(([a], [b]) => a.localeCompare(b))
    );
  return {
    spanId: span.spanContext().spanId,
    name: span.name,
    kind: span.attributes[ATTR_XRAY_SPAN_KIND],
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    attributes: xray(span.attributes),
    events: span.events.map((e) => ({ name: e.name, attributes: xray(e.attributes ?? {}) })),
  };
}

async function record(c: RecordingCase) {
  const exporter = new InMemorySpanExporter();
  const xray = new XRay({
    exporter,
    idGenerator: fixedIds(c.ids),
    capture: isCaptureLevel(c.options.capture) ? c.options.capture : undefined,
    samplingSeed: c.options.samplingSeed,
    decisionsPerSpan: c.options.decisionsPerSpan,
    watchList: c.options.watchList,
    inlinePayloadBytes: c.options.inlinePayloadBytes,
  });
  const runId = await xray.startRun(c.run.pipeline, c.run.input);
  for (const s of c.steps) {
    const options = s.capture && isCaptureLevel(s.capture) ? { capture: s.capture } : undefined;
    await xray.step(runId, s.type as StepType, s.name, () => s.decisions, s.input, options);
  }
  await xray.endRun(runId, c.output);
  await xray.flush(); // not shutdown(): the in-memory exporter forgets its spans at shutdown
  const spans = exporter.getFinishedSpans().map(vectorSpan);
  await xray.shutdown();
  expect(spans.length, 'spans recorded').toBeGreaterThan(c.steps.length);
  return spans.sort((a, b) => a.spanId.localeCompare(b.spanId));
}

describe('shared test vectors (otel/test-vectors)', () => {
  it('sampler.json: the same positions for the same run id, seed, step and decisions', () => {
    const vectors = vectorFile('sampler.json', () => ({
      description:
        'Sampler at capture level sampled: for each case, the 0-based positions of the decisions a step records. reasonClass: the class each reason text and code falls in.',
      reasonClass: reasonClassInputs.map((r) => ({
        ...r,
        class: reasonClass(r.reason ?? undefined, r.reasonCode ?? undefined),
      })),
      cases: samplerCases.map((c) => ({
        ...c,
        positions: sampledPositions({ ...c, watchList: new Set(c.watchList) }, c.decisions),
      })),
    })) as {
      reasonClass: { reason: string | null; reasonCode: string | null; class: string }[];
      cases: typeof samplerCases & { positions: number[] }[];
    };
    expect(vectors.cases.length).toBe(samplerCases.length);
    for (const r of vectors.reasonClass)
      expect(reasonClass(r.reason ?? undefined, r.reasonCode ?? undefined)).toBe(r.class);
    for (const c of vectors.cases) {
      const positions = sampledPositions({ ...c, watchList: new Set(c.watchList) }, c.decisions);
      expect(positions, c.name).toEqual((c as unknown as { positions: number[] }).positions);
    }
  });

  it('recording.json: the same spans, attributes and events for the same run', async () => {
    const built = update
      ? await Promise.all(recordingCases.map(async (c) => ({ ...c, expected: { spans: await record(c) } })))
      : undefined;
    const vectors = vectorFile('recording.json', () => ({
      description:
        'Runs recorded with fixed ids: each step returns its decisions; expected.spans are the finished spans sorted by span id, with only their xray.* attributes.',
      cases: built,
    })) as { cases: (RecordingCase & { expected: { spans: unknown[] } })[] };
    expect(vectors.cases.length).toBe(recordingCases.length);
    for (const c of vectors.cases) expect(await record(c), c.name).toEqual(c.expected.spans);
  });
});

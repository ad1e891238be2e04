import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_INPUT_REF,
  ATTR_XRAY_RUN_INPUT,
  ATTR_XRAY_RUN_INPUT_REF,
  CaptureLevels,
  SpanKinds,
  TRUNCATED_KEY,
} from '@xray/otel';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueBudget } from './budget.js';
import { ofKind } from './client.fixture.js';
import { ELIMINATED, XRStepType, XRay, type XRayOptions } from './index.js';
import {
  closedPort,
  collector,
  payloadReceiver,
  retainedBytes,
  silentPort,
  valueOfJsonSize,
  type Answer,
} from './payloads.fixture.js';
import { emptyStats } from './types.js';
import { PayloadUploader } from './uploader.js';

// Uploads against a receiver that is busy, slow, hung, refusing or down: real sockets on loopback.

const MiB = 1024 * 1024;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function client(payloadEndpoint: string, options: XRayOptions = {}) {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: CaptureLevels.FULL, payloadEndpoint, ...options });
  cleanups.push(async () => {
    await xray.shutdown();
  });
  return { xray, memory };
}

async function standIn(answer?: Answer, keep = true) {
  const receiver = await payloadReceiver({ answer, keep });
  cleanups.push(() => receiver.close());
  return receiver;
}

async function recordRunInput(xray: XRay, input: unknown): Promise<void> {
  await xray.endRun(await xray.startRun('upload', input));
}

describe('upload retries', () => {
  it('retries a 429 and a 503 after their Retry-After, then uploads once', async () => {
    const busy = [429, 503];
    const receiver = await standIn((n) =>
      n < busy.length ? { status: busy[n]!, headers: { 'retry-after': '1' } } : { status: 201 }
    );
    const { xray } = client(receiver.url);
    await recordRunInput(xray, valueOfJsonSize(MiB));
    expect(await xray.flush()).toBe(true);
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(900);
    expect(receiver.requests[2]!.at - receiver.requests[1]!.at).toBeGreaterThanOrEqual(900);
    expect(receiver.stored.size).toBe(1);
    expect(xray.stats()).toMatchObject({ uploadedPayloads: 1, uploadedPayloadBytes: MiB, droppedPayloads: 0 });
  });

  for (const status of [400, 401, 403, 413, 422]) {
    it(`never retries a ${status}: the payload is dropped and counted, the span keeps its reference`, async () => {
      const receiver = await standIn(() => ({ status }));
      const { xray, memory } = client(receiver.url);
      await recordRunInput(xray, valueOfJsonSize(MiB));
      expect(await xray.flush()).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.requests).toHaveLength(1);
      expect(xray.stats()).toMatchObject({ uploadedPayloads: 0, droppedPayloads: 1, queuedPayloads: 0 });
      const run = ofKind(memory.getFinishedSpans(), SpanKinds.RUN)[0]!;
      expect(run.attributes[ATTR_XRAY_RUN_INPUT_REF]).toBeTypeOf('string');
    });
  }

  it('a hung receiver: flush() and shutdown() return false within flushTimeoutMillis, the upload abandoned', async () => {
    const hung = await silentPort();
    cleanups.push(hung.close);
    const flushTimeoutMillis = 300;
    const { xray } = client(`http://127.0.0.1:${hung.port}`, { flushTimeoutMillis });
    await recordRunInput(xray, valueOfJsonSize(MiB));
    let started = Date.now();
    expect(await xray.flush()).toBe(false);
    expect(Date.now() - started).toBeLessThan(flushTimeoutMillis + 500);
    started = Date.now();
    expect(await xray.shutdown()).toBe(false);
    expect(Date.now() - started).toBeLessThan(flushTimeoutMillis + 500);
    expect(xray.stats()).toMatchObject({
      flushTimeouts: 2,
      droppedPayloads: 1,
      queuedPayloads: 0,
      queuedPayloadBytes: 0,
    });
  });
});

/**
 * Records `count` decisions, each with a distinct 1 MiB input made on the spot (the host keeps none),
 * sampling the memory retained (after gc) and the upload queue after each one.
 */
async function recordLargeDecisions(xray: XRay, count: number) {
  const gc = collector();
  const base = 'm'.repeat(MiB - 64);
  gc();
  const before = retainedBytes();
  const peak = { retained: 0, queuedPayloadBytes: 0, queuedBytes: 0 };
  const runId = await xray.startRun('memory');
  await xray.step(
    runId,
    XRStepType.FILTER,
    'large',
    async (_input: undefined, record) => {
      for (let i = 0; i < count; i++) {
        record({ itemId: i, outcome: ELIMINATED, input: { i, text: `${base}${i}` } });
        await new Promise((r) => setImmediate(r)); // a real host yields now and then
        gc();
        const stats = xray.stats();
        peak.retained = Math.max(peak.retained, retainedBytes() - before);
        peak.queuedPayloadBytes = Math.max(peak.queuedPayloadBytes, stats.queuedPayloadBytes);
        peak.queuedBytes = Math.max(peak.queuedBytes, stats.queuedPayloadBytes + stats.queuedBytes);
      }
    },
    undefined
  );
  await xray.endRun(runId);
  return peak;
}

describe('memory stays bounded by maxQueueBytes', () => {
  const caps = { maxQueueBytes: 16 * MiB, maxExportBytes: MiB };

  it('100 decisions of 1 MiB each, receiver slow: heap + buffers grow by at most maxQueueBytes + 16 MiB (32 MiB)', async () => {
    const receiver = await standIn(() => ({ status: 201, delayMillis: 100 }), false);
    const { xray } = client(receiver.url, { ...caps, flushTimeoutMillis: 20_000 });
    const peak = await recordLargeDecisions(xray, 100);
    expect(peak.retained).toBeLessThanOrEqual(caps.maxQueueBytes + 16 * MiB);
    // Payloads leave maxExportBytes of the shared budget to spans.
    expect(peak.queuedPayloadBytes).toBeLessThanOrEqual(caps.maxQueueBytes - caps.maxExportBytes);
    expect(peak.queuedBytes).toBeLessThanOrEqual(caps.maxQueueBytes);
    expect(await xray.flush()).toBe(true);
    const stats = xray.stats();
    expect(stats.uploadedPayloads + stats.droppedPayloads).toBe(100);
    expect(stats.uploadedPayloads).toBe(receiver.requests.length);
    expect(stats.droppedPayloads).toBeGreaterThan(0); // the slow receiver could not keep up: markers instead
    expect(stats.spansDropped).toBe(0); // and the decisions themselves were never crowded out
  });

  it('receiver down (connection refused): the large values are dropped and counted, never held past maxQueueBytes', async () => {
    const { xray, memory } = client(`http://127.0.0.1:${await closedPort()}`, { ...caps, exportTimeoutMillis: 300 });
    const peak = await recordLargeDecisions(xray, 100);
    expect(peak.queuedPayloadBytes).toBeLessThanOrEqual(caps.maxQueueBytes - caps.maxExportBytes);
    expect(peak.retained).toBeLessThanOrEqual(caps.maxQueueBytes + 16 * MiB);
    await xray.flush();
    expect(xray.stats()).toMatchObject({
      uploadedPayloads: 0,
      droppedPayloads: 100,
      queuedPayloads: 0,
      spansDropped: 0,
    });
    // Those that found no room are markers saying why; the others kept their (now dangling) references.
    const events = ofKind(memory.getFinishedSpans(), SpanKinds.STEP)[0]!.events.map((e) => e.attributes!);
    const markers = events.filter((e) => typeof e[ATTR_XRAY_DECISION_INPUT] === 'string');
    for (const marker of markers) {
      expect(JSON.parse(marker[ATTR_XRAY_DECISION_INPUT] as string)).toMatchObject({
        [TRUNCATED_KEY]: true,
        reason: 'queue_full',
        originalBytes: expect.any(Number) as number,
      });
    }
    expect(markers.length + events.filter((e) => e[ATTR_XRAY_DECISION_INPUT_REF]).length).toBe(100);
  });
});

describe('the shared queue budget', () => {
  it('lets spans have the room of payloads still waiting for upload, which are dropped and counted', async () => {
    const hung = await silentPort();
    cleanups.push(hung.close);
    const stats = emptyStats();
    const budget = new QueueBudget(4 * MiB, MiB);
    const uploader = new PayloadUploader(
      {
        baseUrl: `http://127.0.0.1:${hung.port}`,
        headers: {},
        budget,
        timeoutMillis: 5000,
        concurrency: 2,
        recentDigests: 16,
      },
      stats,
      () => {}
    );
    cleanups.push(async () => uploader.close());
    const offers = ['a', 'b', 'c', 'd'].map((fill) =>
      uploader.offer('2026-01-01', fill.repeat(64), Buffer.alloc(MiB - 1))
    );
    expect(offers).toEqual(['queued', 'queued', 'queued', 'queue_full']); // 1 MiB stays free for spans
    expect(uploader.offer('2026-01-01', 'a'.repeat(64), Buffer.alloc(1))).toBe('known');
    expect(budget.takeForSpan(2 * MiB)).toBe(true); // the waiting payload made way; the two in flight stay
    expect(stats.droppedPayloads).toBe(1);
    expect(uploader.pending).toEqual({ payloads: 2, bytes: 2 * (MiB - 1) });
    expect(budget.takeForSpan(MiB)).toBe(false); // nothing left to evict: the span is the one dropped
  });
});

it('records the run input inline below the threshold, whatever the receiver', async () => {
  const { xray, memory } = client(`http://127.0.0.1:${await closedPort()}`);
  await recordRunInput(xray, { small: true });
  expect(await xray.flush()).toBe(true);
  expect(ofKind(memory.getFinishedSpans(), SpanKinds.RUN)[0]!.attributes[ATTR_XRAY_RUN_INPUT]).toBe('{"small":true}');
});

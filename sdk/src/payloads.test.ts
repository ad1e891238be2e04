import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_INPUT_REF,
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_RUN_INPUT,
  ATTR_XRAY_RUN_INPUT_REF,
  ATTR_XRAY_STEP_INPUT,
  ATTR_XRAY_STEP_INPUT_REF,
  ATTR_XRAY_STEP_OUTPUT,
  ATTR_XRAY_STEP_OUTPUT_REF,
  CaptureLevels,
  SpanKinds,
  TRUNCATED_KEY,
  parsePayloadRef,
  payloadDay,
  type PayloadRef,
} from '@xray/otel';
import { afterEach, describe, expect, it } from 'vitest';
import { ofKind } from './client.fixture.js';
import { ELIMINATED, KEPT, XRStepType, XRay, type XRayOptions } from './index.js';
import { resolveOptions } from './options.js';
import { payloadReceiver, sha256, valueOfJsonSize, type StandIn } from './payloads.fixture.js';

// Payloads travel whole up to the cap: inline up to 16 KiB, else uploaded (here to a local stand-in
// for the receiver, over real HTTP) and referenced from the span.

const KiB = 1024;
const MiB = 1024 * KiB;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(options: XRayOptions = {}) {
  const receiver = await payloadReceiver();
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: CaptureLevels.FULL, payloadEndpoint: receiver.url, ...options });
  cleanups.push(async () => {
    await xray.shutdown();
    await receiver.close();
  });
  const spans = async (): Promise<ReadableSpan[]> => {
    expect(await xray.flush()).toBe(true);
    return memory.getFinishedSpans();
  };
  return { xray, receiver, spans };
}

/** The reference in `value`, checked against what the stand-in received: same digest, same size. */
function uploaded(receiver: StandIn, value: unknown, json: string): PayloadRef {
  const ref = parsePayloadRef(value);
  expect(ref).toBeDefined();
  const bytes = receiver.stored.get(`${ref!.day}/${ref!.sha256}`);
  expect(bytes).toBeDefined();
  expect(bytes!.length).toBe(ref!.bytes);
  expect(sha256(bytes!)).toBe(ref!.sha256);
  expect(ref).toEqual({ day: payloadDay(Date.now()), sha256: sha256(json), bytes: Buffer.byteLength(json) });
  return ref!;
}

describe('payloads, whole up to the cap', () => {
  it('keeps 0 B and 15 KiB values inline and sends 17 KiB, 1 MiB, 20 MiB and a 5 MiB run input by reference', async () => {
    const { xray, receiver, spans } = await setup();
    const sizes = { empty: 2, '15KiB': 15 * KiB, '17KiB': 17 * KiB, '1MiB': MiB, '20MiB': 20 * MiB };
    const values = Object.fromEntries(Object.entries(sizes).map(([name, bytes]) => [name, valueOfJsonSize(bytes)]));
    const runInput = valueOfJsonSize(5 * MiB, 'r');
    const runId = await xray.startRun('sizes', runInput);
    await xray.step(
      runId,
      XRStepType.FILTER,
      'sizes',
      () => Object.entries(values).map(([itemId, input]) => ({ itemId, outcome: ELIMINATED, input })),
      undefined
    );
    await xray.endRun(runId);

    const all = await spans();
    const events = new Map(
      ofKind(all, SpanKinds.STEP)[0]!.events.map((e) => [e.attributes![ATTR_XRAY_DECISION_ITEM_ID], e.attributes!])
    );
    for (const name of ['empty', '15KiB']) {
      expect(events.get(name)![ATTR_XRAY_DECISION_INPUT]).toBe(JSON.stringify(values[name]));
      expect(events.get(name)![ATTR_XRAY_DECISION_INPUT_REF]).toBeUndefined();
    }
    for (const name of ['17KiB', '1MiB', '20MiB']) {
      expect(events.get(name)![ATTR_XRAY_DECISION_INPUT]).toBeUndefined();
      const ref = uploaded(receiver, events.get(name)![ATTR_XRAY_DECISION_INPUT_REF], JSON.stringify(values[name]));
      expect(ref.bytes).toBe(sizes[name as keyof typeof sizes]);
    }
    const run = ofKind(all, SpanKinds.RUN)[0]!;
    expect(run.attributes[ATTR_XRAY_RUN_INPUT]).toBeUndefined();
    uploaded(receiver, run.attributes[ATTR_XRAY_RUN_INPUT_REF], JSON.stringify(runInput));
    expect(receiver.requests).toHaveLength(4);
    expect(xray.stats()).toMatchObject({
      uploadedPayloads: 4,
      uploadedPayloadBytes: 17 * KiB + MiB + 20 * MiB + 5 * MiB,
      droppedPayloads: 0,
      truncatedValues: 0,
      queuedPayloads: 0,
      queuedPayloadBytes: 0,
    });
  });

  it('uploads a document given to four steps once, each step referencing it', async () => {
    const { xray, receiver, spans } = await setup();
    const document = { title: 'contract', pages: Array.from({ length: 2000 }, (_, i) => `page ${i} text`) };
    const runId = await xray.startRun('shared');
    for (const name of ['a', 'b', 'c', 'd']) await xray.step(runId, XRStepType.TRANSFORM, name, () => [], document);
    await xray.endRun(runId);

    const refs = ofKind(await spans(), SpanKinds.STEP).map((s) => s.attributes[ATTR_XRAY_STEP_INPUT_REF]);
    expect(refs).toHaveLength(4);
    expect(new Set(refs).size).toBe(1);
    uploaded(receiver, refs[0], JSON.stringify(document));
    expect(receiver.requests).toHaveLength(1);
    expect(xray.stats()).toMatchObject({ uploadedPayloads: 1, droppedPayloads: 0 });
  });

  it("builds a step's output as decisions come and sends it by reference when large", async () => {
    const { xray, receiver, spans } = await setup();
    const items = Array.from({ length: 3000 }, (_, i) => ({ id: i, title: `item ${i}` }));
    const runId = await xray.startRun('output');
    await xray.step(
      runId,
      XRStepType.FILTER,
      'odd',
      (input) => input.map((item) => ({ itemId: item.id, outcome: item.id % 2 ? KEPT : ELIMINATED, output: item })),
      items
    );
    await xray.endRun(runId);

    const step = ofKind(await spans(), SpanKinds.STEP)[0]!;
    expect(step.attributes[ATTR_XRAY_STEP_OUTPUT]).toBeUndefined();
    expect(step.attributes[ATTR_XRAY_STEP_INPUT]).toBeUndefined();
    const kept = JSON.stringify(items.filter((item) => item.id % 2));
    uploaded(receiver, step.attributes[ATTR_XRAY_STEP_OUTPUT_REF], kept);
    uploaded(receiver, step.attributes[ATTR_XRAY_STEP_INPUT_REF], JSON.stringify(items));
  });

  it("keeps the step output in decision order when some survivors' JSON comes from their events and some not", async () => {
    const { xray, receiver, spans } = await setup();
    const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, title: `item ${i}` }));
    const runId = await xray.startRun('mixed');
    await xray.step(
      runId,
      XRStepType.FILTER,
      'mixed',
      (input) => input.map((item) => ({ itemId: item.id, outcome: KEPT, ...(item.id % 3 ? { input: item } : {}) })),
      items
    );
    await xray.endRun(runId);
    const step = ofKind(await spans(), SpanKinds.STEP)[0]!;
    const expected = JSON.stringify(items.map((item) => (item.id % 3 ? item : String(item.id))));
    uploaded(receiver, step.attributes[ATTR_XRAY_STEP_OUTPUT_REF], expected);
  });

  it('records a value over maxPayloadBytes as a truncation marker within the inline threshold, counted', async () => {
    const { xray, receiver, spans } = await setup({ maxPayloadBytes: 64 * KiB });
    const runId = await xray.startRun('capped', valueOfJsonSize(100 * KiB));
    await xray.endRun(runId);

    const run = ofKind(await spans(), SpanKinds.RUN)[0]!;
    const marker = run.attributes[ATTR_XRAY_RUN_INPUT] as string;
    expect(Buffer.byteLength(marker)).toBeLessThanOrEqual(16 * KiB);
    expect(JSON.parse(marker)).toMatchObject({ [TRUNCATED_KEY]: true, originalBytes: 100 * KiB });
    expect(JSON.parse(marker)).not.toHaveProperty('reason');
    expect(run.attributes[ATTR_XRAY_RUN_INPUT_REF]).toBeUndefined();
    expect(receiver.requests).toHaveLength(0);
    expect(xray.stats()).toMatchObject({ truncatedValues: 1, uploadedPayloads: 0, droppedPayloads: 0 });
  });

  it('keeps values inline up to inlinePayloadBytes when it is set higher', async () => {
    const { xray, receiver, spans } = await setup({ inlinePayloadBytes: 256 * KiB });
    const input = valueOfJsonSize(200 * KiB);
    const runId = await xray.startRun('inline', input);
    await xray.endRun(runId);
    expect(ofKind(await spans(), SpanKinds.RUN)[0]!.attributes[ATTR_XRAY_RUN_INPUT]).toBe(JSON.stringify(input));
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('payload options', () => {
  it('sends payloads to the origin of endpoint unless payloadEndpoint or XRAY_PAYLOAD_ENDPOINT says otherwise', () => {
    const endpoint = 'http://collector.internal:4318/v1/traces';
    expect(resolveOptions({ endpoint }, {}).payloadEndpoint).toBe('http://collector.internal:4318');
    const env = { XRAY_PAYLOAD_ENDPOINT: 'https://xray.example.com' };
    expect(resolveOptions({ endpoint }, env).payloadEndpoint).toBe('https://xray.example.com');
    expect(resolveOptions({ endpoint, payloadEndpoint: 'http://receiver:4318' }, env).payloadEndpoint).toBe(
      'http://receiver:4318'
    );
  });

  it('keeps a value just under the default 64 MiB cap whole: the default queue budget holds it with room for spans', async () => {
    const { xray, receiver, spans } = await setup();
    const big = valueOfJsonSize(64 * MiB - 64);
    const runId = await xray.startRun('at-the-cap', big);
    await xray.endRun(runId, undefined);
    const [run] = ofKind(await spans(), SpanKinds.RUN);
    uploaded(receiver, run!.attributes[ATTR_XRAY_RUN_INPUT_REF], JSON.stringify(big));
    expect(xray.stats()).toMatchObject({ droppedPayloads: 0, truncatedValues: 0 });
  }, 60_000);

  it('defaults to a 64 MiB cap and a 16 KiB inline threshold, which follows a smaller cap', () => {
    expect(resolveOptions({}, {})).toMatchObject({ maxPayloadBytes: 64 * MiB, inlinePayloadBytes: 16 * KiB });
    expect(resolveOptions({ maxPayloadBytes: 4 * KiB }, {})).toMatchObject({ inlinePayloadBytes: 4 * KiB });
  });
});

import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';

import {
  ATTR_XRAY_DECISION_INPUT,
  ATTR_XRAY_DECISION_METADATA,
  ATTR_XRAY_DECISION_OUTPUT,
  CaptureLevels,
  SpanKinds,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { ELIMINATED, KEPT, SCORED, TRUNCATED_KEY, XRStepType, XRay, type Decision } from './index.js';

import { client, exported, filterBy, items, ofKind } from './client.fixture.js';

// Whatever the caller or the network does, the client never throws into the host and keeps working.
describe('XRay client under misuse and failure', () => {
  it('runs the function and records nothing for an unknown run id', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const decisions = filterBy(0.5)(items);
    expect(await xray.step('no-such-run', XRStepType.FILTER, 'f', () => decisions, items)).toBe(decisions);
    await expect(xray.endRun('no-such-run', decisions)).resolves.toBeUndefined();
    expect(await exported(xray, memory)).toHaveLength(0);
    expect(xray.stats().ignoredCalls).toBe(2);
  });

  it('keeps working as a no-op after shutdown, which is idempotent', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const runId = await xray.startRun('p', items);
    expect(await xray.shutdown()).toBe(true);
    expect(await xray.shutdown()).toBe(true);
    const decisions = filterBy(0.5)(items);
    expect(await xray.step(runId, XRStepType.FILTER, 'f', () => decisions, items)).toBe(decisions);
    const lateRun = await xray.startRun('late', items);
    expect(lateRun).toMatch(/^[0-9a-f]{32}$/);
    await xray.endRun(lateRun, decisions);
    expect(await xray.flush()).toBe(false);
    expect(xray.stats()).toMatchObject({ ignoredCalls: 4, runsAbandoned: 1, internalErrors: 0 });
  });

  it('records hostile values as valid JSON without ever throwing', async () => {
    const memory = new InMemorySpanExporter();
    const xray = new XRay({ exporter: memory, maxPayloadBytes: 4096, capture: CaptureLevels.FULL });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const getterBomb = Object.defineProperty({}, 'explodes', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const huge = 'z'.repeat(1_000_000);
    const runId = await xray.startRun('hostile', cyclic);
    const decisions = await xray.step(
      runId,
      XRStepType.CUSTOM,
      'hostile-step',
      () => [
        { itemId: 1, outcome: KEPT, input: cyclic },
        { itemId: 2, outcome: KEPT, metadata: { big: 10n ** 30n } },
        { itemId: 3, outcome: ELIMINATED, input: getterBomb },
        { itemId: 4, outcome: SCORED, output: huge },
      ],
      { cyclic, huge }
    );
    expect(decisions).toHaveLength(4);
    await xray.endRun(runId, getterBomb);

    const spans = await exported(xray, memory);
    const jsonValues = spans
      .flatMap((s) => [...Object.entries(s.attributes), ...s.events.flatMap((e) => Object.entries(e.attributes ?? {}))])
      .filter(([key]) => /\.(input|output|metadata)$/.test(key))
      .map(([, value]) => value as string);
    expect(jsonValues.length).toBeGreaterThanOrEqual(7);
    for (const json of jsonValues) {
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(4096);
      expect(() => JSON.parse(json)).not.toThrow();
    }
    const [step] = ofKind(spans, SpanKinds.STEP);
    const [, second, third, fourth] = step!.events.map((e) => e.attributes!);
    expect(JSON.parse(second![ATTR_XRAY_DECISION_METADATA] as string)).toEqual({
      big: '1000000000000000000000000000000',
    });
    expect(third![ATTR_XRAY_DECISION_INPUT]).toContain('[Unserializable] boom');
    expect(JSON.parse(fourth![ATTR_XRAY_DECISION_OUTPUT] as string)).toMatchObject({ [TRUNCATED_KEY]: true });
    expect(xray.stats()).toMatchObject({ internalErrors: 0, decisionsRecorded: 4, decisionsMade: 4 });
    expect(xray.stats().truncatedValues).toBeGreaterThanOrEqual(3); // decision 4, step input, step output
  });

  it('tolerates a step function that returns something other than an array', async () => {
    const { xray } = client();
    const runId = await xray.startRun('p');
    const odd = { not: 'an array' } as unknown as Decision[];
    expect(await xray.step(runId, XRStepType.CUSTOM, 'odd', () => odd, undefined)).toBe(odd);
    expect(xray.stats()).toMatchObject({ invalidResults: 1, stepsRecorded: 1, internalErrors: 0 });
  });

  it('counts export failures instead of throwing them at the caller', async () => {
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('receiver down') }),
      shutdown: () => Promise.resolve(),
    };
    const { xray } = client(failing);
    const runId = await xray.startRun('p', items);
    await xray.step(runId, XRStepType.FILTER, 'f', filterBy(0.5), items);
    await xray.endRun(runId, []);
    expect(await xray.flush()).toBe(false);
    expect(xray.stats().exportFailures).toBeGreaterThanOrEqual(1);
  });

  it('rejects bad configuration at construction, with the option named', () => {
    expect(() => new XRay({ decisionsPerSpan: 0 })).toThrow(/decisionsPerSpan/);
    expect(() => new XRay({ endpoint: 'not a url' })).toThrow(/XRAY_ENDPOINT/);
    // A span holds one decision's three inline payloads; the cap itself may be far larger.
    expect(() => new XRay({ inlinePayloadBytes: 1024 * 1024, maxExportBytes: 1024 * 1024 })).toThrow(/maxExportBytes/);
    expect(() => new XRay({ maxPayloadBytes: 1024 * 1024, maxExportBytes: 1024 * 1024 })).not.toThrow();
    expect(() => new XRay({ maxPayloadBytes: 1024, inlinePayloadBytes: 2048 })).toThrow(/inlinePayloadBytes/);
    expect(() => new XRay({ payloadEndpoint: 'ftp://receiver' })).toThrow(/XRAY_PAYLOAD_ENDPOINT/);
  });
});

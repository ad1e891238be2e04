import { SpanStatusCode } from '@opentelemetry/api';

import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_XRAY_PIPELINE_NAME,
  ATTR_XRAY_RUN_ID,
  ATTR_XRAY_RUN_INPUT,
  ATTR_XRAY_RUN_INPUT_COUNT,
  ATTR_XRAY_RUN_OUTPUT_COUNT,
  ATTR_XRAY_RUN_STATUS,
  ATTR_XRAY_RUN_STEP_COUNT,
  ATTR_XRAY_STEP_ID,
  ATTR_XRAY_STEP_INDEX,
  ATTR_XRAY_STEP_INPUT_COUNT,
  ATTR_XRAY_STEP_KEPT_COUNT,
  ATTR_XRAY_STEP_OUTPUT,
  ATTR_XRAY_STEP_OUTPUT_COUNT,
  ATTR_XRAY_STEP_STATUS,
  ATTR_XRAY_STEP_TYPE,
  CaptureLevels,
  SpanKinds,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { ELIMINATED, KEPT, SCORED, XRStepType, XRay, survivors, type Decision } from './index.js';

import { client, exported, filterBy, items, ofKind, type Item } from './client.fixture.js';

describe('XRay client', () => {
  it('records a run as a root span with its steps as children, ids as the conventions say', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const runId = await xray.startRun('pipeline-1', items);
    const filtered = await xray.step(runId, XRStepType.FILTER, 'filter-step', filterBy(0.45), items);
    const ranked = await xray.step(
      runId,
      XRStepType.RANK,
      'rank-step',
      (kept: Decision<Item>[]) => kept.map((d) => ({ itemId: d.itemId, outcome: SCORED, score: 1 - d.score! })),
      survivors(filtered)
    );
    await xray.endRun(runId, ranked);

    const spans = await exported(xray, memory);
    const [run] = ofKind(spans, SpanKinds.RUN);
    const steps = ofKind(spans, SpanKinds.STEP);
    expect(run!.spanContext().traceId).toBe(runId);
    expect(run!.parentSpanContext).toBeUndefined();
    expect(run!.attributes).toMatchObject({
      [ATTR_XRAY_RUN_ID]: runId,
      [ATTR_XRAY_PIPELINE_NAME]: 'pipeline-1',
      [ATTR_XRAY_RUN_STATUS]: 'ok',
      [ATTR_XRAY_RUN_STEP_COUNT]: 2,
      [ATTR_XRAY_RUN_INPUT_COUNT]: 10,
      [ATTR_XRAY_RUN_OUTPUT_COUNT]: 5,
    });
    expect(JSON.parse(run!.attributes[ATTR_XRAY_RUN_INPUT] as string)).toEqual(items);
    expect(steps.map((s) => s.attributes[ATTR_XRAY_STEP_INDEX])).toEqual([0, 1]);
    for (const step of steps) {
      expect(step.parentSpanContext?.spanId).toBe(run!.spanContext().spanId);
      expect(step.attributes[ATTR_XRAY_STEP_ID]).toBe(step.spanContext().spanId);
      expect(step.attributes[ATTR_XRAY_RUN_ID]).toBe(runId);
    }
    expect(steps[0]!.attributes).toMatchObject({
      [ATTR_XRAY_STEP_TYPE]: 'filter',
      [ATTR_XRAY_STEP_STATUS]: 'ok',
      [ATTR_XRAY_STEP_INPUT_COUNT]: 10,
      [ATTR_XRAY_STEP_OUTPUT_COUNT]: 5,
      [ATTR_XRAY_STEP_KEPT_COUNT]: 5,
    });
    // The step output is what each surviving item became: here its input.
    expect(JSON.parse(steps[0]!.attributes[ATTR_XRAY_STEP_OUTPUT] as string)).toEqual(items.slice(5));
    expect(steps[1]!.attributes[ATTR_XRAY_STEP_INPUT_COUNT]).toBe(5);
    expect(steps[1]!.events).toHaveLength(5);
  });

  it('runs the seed example as written', async () => {
    const memory = new InMemorySpanExporter();
    const xray = new XRay({ exporter: memory, serviceName: 'my-pipeline', capture: CaptureLevels.FULL });
    const input = items;
    const t = 0.5;
    const runId = await xray.startRun('pipeline-1', input);
    const result = await xray.step(
      runId,
      XRStepType.FILTER,
      'filter-step',
      async (input) =>
        input.map((item) => ({
          itemId: item.id,
          outcome: item.score > t ? KEPT : ELIMINATED,
          reason: `Score ${item.score} vs threshold ${t}`,
          score: item.score,
          input: item,
          metadata: { t },
        })),
      input
    );
    await xray.endRun(runId, result);
    const spans = await exported(xray, memory);
    await xray.shutdown();
    expect(spans).toHaveLength(2);
    expect(spans[0]!.resource.attributes[ATTR_SERVICE_NAME]).toBe('my-pipeline');
    expect(survivors(result)).toHaveLength(4);
    // endRun given the last step's decisions counts the items that came out, not every decision.
    const run = spans.find((s) => s.parentSpanContext === undefined)!;
    expect(run.attributes[ATTR_XRAY_RUN_OUTPUT_COUNT]).toBe(4);
  });

  it('returns the very array the step function returned, sync or async', async () => {
    const { xray } = client();
    const runId = await xray.startRun('p', items);
    const decisions = filterBy(0.5)(items);
    expect(await xray.step(runId, XRStepType.FILTER, 'sync', () => decisions, items)).toBe(decisions);
    expect(await xray.step(runId, XRStepType.FILTER, 'async', async () => decisions, items)).toBe(decisions);
    expect(survivors(decisions).map((d) => d.itemId)).toEqual([6, 7, 8, 9]);
  });

  it("rethrows the caller's own error unchanged and marks the step failed", async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const runId = await xray.startRun('p', items);
    const boom = new Error('model timed out');
    await expect(
      xray.step(
        runId,
        XRStepType.LLM,
        'llm',
        () => {
          throw boom;
        },
        items
      )
    ).rejects.toBe(boom);
    const thrownString = 'not even an Error';
    await expect(
      xray.step(
        runId,
        XRStepType.LLM,
        'llm2',
        async () => {
          throw thrownString;
        },
        items
      )
    ).rejects.toBe(thrownString);
    await xray.endRun(runId, undefined, boom);

    const spans = await exported(xray, memory);
    const [failed] = ofKind(spans, SpanKinds.STEP);
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'model timed out' });
    expect(failed!.attributes).toMatchObject({
      [ATTR_XRAY_STEP_STATUS]: 'error',
      [ATTR_XRAY_STEP_INPUT_COUNT]: 10,
      [ATTR_XRAY_STEP_OUTPUT_COUNT]: 0,
      [ATTR_XRAY_STEP_KEPT_COUNT]: 0,
    });
    expect(failed!.events.map((e) => e.name)).toEqual(['exception']);
    const [run] = ofKind(spans, SpanKinds.RUN);
    expect(run!.attributes[ATTR_XRAY_RUN_STATUS]).toBe('error');
    expect(run!.status.code).toBe(SpanStatusCode.ERROR);
    expect(xray.stats().internalErrors).toBe(0);
  });

  it('ends runs still open at shutdown with status error, so their steps are not orphans', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    // InMemorySpanExporter empties its list on shutdown; the array taken before it keeps the spans.
    const finished = memory.getFinishedSpans();
    const runId = await xray.startRun('p', items);
    await xray.step(runId, XRStepType.FILTER, 'f', filterBy(0.5), items);
    await xray.shutdown();
    const [run] = ofKind(finished, SpanKinds.RUN);
    expect(run!.attributes).toMatchObject({ [ATTR_XRAY_RUN_STATUS]: 'error', [ATTR_XRAY_RUN_STEP_COUNT]: 1 });
  });

  it('keeps two runs in flight at once apart, each with its own trace and counts', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const pipeline = async (name: string, input: Item[], threshold: number) => {
      const runId = await xray.startRun(name, input);
      await new Promise((r) => setTimeout(r, 5)); // interleave the two runs' steps
      const a = await xray.step(runId, XRStepType.FILTER, 'filter', filterBy(threshold), input);
      const b = await xray.step(
        runId,
        XRStepType.SCORE,
        'score',
        async (kept: Decision<Item>[]) => {
          await new Promise((r) => setTimeout(r, 5));
          return kept.map((d) => ({ itemId: d.itemId, outcome: SCORED, score: 1 }));
        },
        survivors(a)
      );
      await xray.endRun(runId, b);
      return runId;
    };
    const [first, second] = await Promise.all([
      pipeline('first', items, 0.15),
      pipeline('second', items.slice(0, 6), 0.35),
    ]);
    expect(first).not.toBe(second);

    const spans = await exported(xray, memory);
    for (const [runId, input, output] of [
      [first, 10, 8],
      [second, 6, 2],
    ] as const) {
      const mine = spans.filter((s) => s.spanContext().traceId === runId);
      expect(mine.every((s) => s.attributes[ATTR_XRAY_RUN_ID] === runId)).toBe(true);
      const [run] = ofKind(mine, SpanKinds.RUN);
      expect(run!.attributes).toMatchObject({
        [ATTR_XRAY_RUN_INPUT_COUNT]: input,
        [ATTR_XRAY_RUN_OUTPUT_COUNT]: output,
        [ATTR_XRAY_RUN_STEP_COUNT]: 2,
      });
      expect(
        ofKind(mine, SpanKinds.STEP)
          .map((s) => s.attributes[ATTR_XRAY_STEP_INDEX])
          .sort()
      ).toEqual([0, 1]);
    }
  });

  it('takes run counts from the steps when input and result are not arrays', async () => {
    const memory = new InMemorySpanExporter();
    const { xray } = client(memory);
    const runId = await xray.startRun('p', { query: 'shoes' });
    await xray.step(runId, XRStepType.RETRIEVE, 'retrieve', () => filterBy(0.65)(items), 'shoes');
    await xray.endRun(runId, { done: true });
    const [run] = ofKind(await exported(xray, memory), SpanKinds.RUN);
    // First step input: no array, so its decision count (10); last step output: 3 kept.
    expect(run!.attributes).toMatchObject({ [ATTR_XRAY_RUN_INPUT_COUNT]: 10, [ATTR_XRAY_RUN_OUTPUT_COUNT]: 3 });
  });
});

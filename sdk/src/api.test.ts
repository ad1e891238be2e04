import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_XRAY_DECISION_ITEM_ID,
  ATTR_XRAY_RUN_FAILED_STEP_COUNT,
  ATTR_XRAY_RUN_INPUT_COUNT,
  ATTR_XRAY_RUN_OUTPUT_COUNT,
  ATTR_XRAY_RUN_STATUS,
  ATTR_XRAY_RUN_STEP_COUNT,
  ATTR_XRAY_SPAN_KIND,
  ATTR_XRAY_STEP_DECISION_COUNT,
  ATTR_XRAY_STEP_ID,
  ATTR_XRAY_STEP_INDEX,
  ATTR_XRAY_STEP_KEPT_COUNT,
  ATTR_XRAY_STEP_PARENT_ID,
  ATTR_XRAY_STEP_STATUS,
  CaptureLevels,
  SpanKinds,
} from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options.js';
import { IN_MEMORY_PAYLOADS } from './client.fixture.js';
import { ELIMINATED, KEPT, XRStepType, XRay, type Decision } from './index.js';

interface Doc {
  id: string;
  words: number;
}
const docs: Doc[] = Array.from({ length: 2500 }, (_, i) => ({ id: `d${i}`, words: i }));

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function setup(decisionsPerSpan = 1000) {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: CaptureLevels.FULL, decisionsPerSpan, ...IN_MEMORY_PAYLOADS });
  const spans = async (): Promise<ReadableSpan[]> => {
    await xray.flush();
    return memory.getFinishedSpans();
  };
  return { xray, spans };
}
const byName = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name)!;

describe('streaming, nesting, run()', () => {
  it('records decisions passed to record() as they stream, and returns what fn returned', async () => {
    const { xray, spans } = setup(100);
    const runId = await xray.startRun('stream', docs);
    const summary = await xray.step<AsyncIterable<Doc>, { seen: number }, Doc>(
      runId,
      XRStepType.FILTER,
      'long-docs',
      async (items, record) => {
        let seen = 0;
        for await (const doc of items) {
          seen++;
          record({ itemId: doc.id, outcome: doc.words >= 1000 ? KEPT : ELIMINATED, input: doc });
        }
        return { seen };
      },
      stream(docs)
    );
    await xray.endRun(runId, undefined);
    expect(summary).toEqual({ seen: 2500 });
    const all = await spans();
    const step = byName(all, 'long-docs');
    expect(step.attributes).toMatchObject({ [ATTR_XRAY_STEP_DECISION_COUNT]: 2500, [ATTR_XRAY_STEP_KEPT_COUNT]: 1500 });
    const events = all
      .filter((s) => s.attributes[ATTR_XRAY_STEP_ID] === step.spanContext().spanId)
      .flatMap((s) => s.events);
    expect(events).toHaveLength(2500);
    expect(all.find((s) => s.name === 'stream')!.attributes[ATTR_XRAY_RUN_OUTPUT_COUNT]).toBe(1500);
  });

  it('does not read the return value as decisions once record() was called', async () => {
    const { xray, spans } = setup();
    const runId = await xray.startRun('p');
    const returned: Decision[] = [
      { itemId: 'x', outcome: KEPT },
      { itemId: 'y', outcome: KEPT },
    ];
    let late: ((d: Decision) => void) | undefined;
    const out = await xray.step(
      runId,
      XRStepType.FILTER,
      'both',
      (_input: undefined, record) => {
        record({ itemId: 'only', outcome: ELIMINATED });
        late = record;
        return returned;
      },
      undefined
    );
    expect(out).toBe(returned);
    late!({ itemId: 'too-late', outcome: KEPT }); // after the step ended: dropped, counted
    const step = byName(await spans(), 'both');
    expect(step.events.map((e) => e.attributes![ATTR_XRAY_DECISION_ITEM_ID])).toEqual(['only']);
    expect(xray.stats().decisionsDropped.afterStepEnd).toBe(1);
  });

  it('nests a step called inside another step of the same run, and parallel runs stay apart', async () => {
    const { xray, spans } = setup();
    const pipeline = async (name: string) =>
      xray.run(name, docs.slice(0, 10), async (runId) => {
        const outer = await xray.step(
          runId,
          XRStepType.CUSTOM,
          `${name}-outer`,
          async (items: Doc[]) => {
            await new Promise((r) => setTimeout(r, 5));
            await xray.step(
              runId,
              XRStepType.LLM,
              `${name}-inner`,
              (its: Doc[]) => its.map((d) => ({ itemId: d.id, outcome: KEPT })),
              items
            );
            return items.slice(0, 4).map((d) => ({ itemId: d.id, outcome: KEPT }));
          },
          docs.slice(0, 10)
        );
        await xray.step(runId, XRStepType.RANK, `${name}-after`, () => outer.slice(0, 2), outer);
        return outer.slice(0, 2);
      });
    await Promise.all([pipeline('a'), pipeline('b')]);
    const all = await spans();
    for (const name of ['a', 'b']) {
      const outer = byName(all, `${name}-outer`);
      const inner = byName(all, `${name}-inner`);
      const after = byName(all, `${name}-after`);
      const run = byName(all, name);
      expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(inner.attributes[ATTR_XRAY_STEP_PARENT_ID]).toBe(outer.spanContext().spanId);
      expect(outer.attributes[ATTR_XRAY_STEP_PARENT_ID]).toBeUndefined();
      expect(after.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect([outer, inner, after].map((s) => s.attributes[ATTR_XRAY_STEP_INDEX])).toEqual([0, 1, 2]);
      expect(run.attributes).toMatchObject({
        [ATTR_XRAY_RUN_STEP_COUNT]: 2,
        [ATTR_XRAY_RUN_INPUT_COUNT]: 10,
        [ATTR_XRAY_RUN_OUTPUT_COUNT]: 2,
      });
      expect(inner.spanContext().traceId).toBe(run.spanContext().traceId);
    }
  });

  it('run() ends the run in error with partial counts and rethrows the same error', async () => {
    const { xray, spans } = setup();
    const boom = new Error('ranker down');
    let id = '';
    await expect(
      xray.run('failing', docs.slice(0, 3), async (runId) => {
        id = runId;
        await xray.step(
          runId,
          XRStepType.FILTER,
          'ok-step',
          (items: Doc[]) => items.map((d) => ({ itemId: d.id, outcome: KEPT })),
          docs.slice(0, 3)
        );
        await xray.step(
          runId,
          XRStepType.RANK,
          'bad-step',
          (_: undefined, record) => {
            record({ itemId: 'd0', outcome: KEPT });
            throw boom;
          },
          undefined
        );
      })
    ).rejects.toBe(boom);
    const all = await spans();
    const run = byName(all, 'failing');
    expect(run.spanContext().traceId).toBe(id);
    expect(run.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'ranker down' });
    expect(run.attributes).toMatchObject({
      [ATTR_XRAY_RUN_STATUS]: 'error',
      [ATTR_XRAY_RUN_STEP_COUNT]: 2,
      [ATTR_XRAY_RUN_INPUT_COUNT]: 3,
    });
    expect(byName(all, 'bad-step').attributes).toMatchObject({
      [ATTR_XRAY_STEP_STATUS]: 'error',
      [ATTR_XRAY_STEP_DECISION_COUNT]: 1,
    });
    expect(await xray.run('fine', undefined, () => 42)).toBe(42);
    expect(all.filter((s) => s.attributes[ATTR_XRAY_SPAN_KIND] === SpanKinds.RUN)).toHaveLength(1);
  });

  it('counts on the run the steps that failed, nested ones and ones whose error the caller caught', async () => {
    const { xray, spans } = setup();
    const fail = () => {
      throw new Error('flaky');
    };
    const runId = await xray.startRun('caught');
    await xray.step(runId, XRStepType.FILTER, 'fine', () => [], undefined);
    await xray.step(runId, XRStepType.LLM, 'flaky', fail, undefined).catch(() => 'fallback');
    await xray.endRun(runId);
    const nestedId = await xray.startRun('nested');
    await xray
      .step(nestedId, XRStepType.CUSTOM, 'outer', () => xray.step(nestedId, XRStepType.LLM, 'inner', fail, 1), 0)
      .catch(() => 'both failed');
    await xray.endRun(nestedId);
    await xray.run('clean', undefined, (id) => xray.step(id, XRStepType.FILTER, 'ok', () => [], undefined));
    const all = await spans();
    expect(byName(all, 'caught').attributes).toMatchObject({
      [ATTR_XRAY_RUN_STATUS]: 'ok',
      [ATTR_XRAY_RUN_STEP_COUNT]: 2,
      [ATTR_XRAY_RUN_FAILED_STEP_COUNT]: 1,
    });
    expect(byName(all, 'nested').attributes[ATTR_XRAY_RUN_FAILED_STEP_COUNT]).toBe(2);
    expect(byName(all, 'clean').attributes[ATTR_XRAY_RUN_FAILED_STEP_COUNT]).toBe(0);
  });

  it('reads capture and watch list from the environment, ignoring bad values', () => {
    expect(resolveOptions({}, { XRAY_CAPTURE: 'full', XRAY_WATCH_LIST: 'a, b,,7' })).toMatchObject({
      capture: 'full',
      watchList: new Set(['a', 'b', '7']),
    });
    expect(resolveOptions({}, { XRAY_CAPTURE: 'everything' }).capture).toBe('sampled');
    expect(resolveOptions({ capture: 'metrics_only' }, { XRAY_CAPTURE: 'full' }).capture).toBe('metrics_only');
    expect(() => resolveOptions({ capture: 'all' as never })).toThrow(/capture/);
    expect(() => resolveOptions({ maxQueueBytes: 10 })).toThrow(/maxQueueBytes/);
  });
});

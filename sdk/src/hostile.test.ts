import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEPT, XRay, type Decision, type StepType } from './index.js';

// Property: whatever values and call orders a caller throws at the SDK, nothing escapes but the
// caller's own error, and no promise is left rejected.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

function cyclic(): unknown {
  const o: Record<string, unknown> = { a: 1 };
  o['self'] = o;
  return o;
}
const throwingGetter = () =>
  Object.defineProperty({}, 'boom', {
    enumerable: true,
    get: () => {
      throw new Error('getter');
    },
  });
const hostileValue = fc.oneof(
  fc.anything({
    withBigInt: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
  }),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(10n ** 40n),
  fc.constant('h'.repeat(200_000)),
  fc.constant(Symbol('s')),
  fc.constant(() => 1),
  fc.constant(0).map(cyclic),
  fc.constant(0).map(throwingGetter)
);
const hostileDecision = fc.oneof(
  hostileValue,
  fc.record(
    {
      itemId: fc.oneof(fc.string(), fc.integer(), hostileValue),
      outcome: fc.oneof(fc.constantFrom('kept', 'eliminated', 'scored'), hostileValue),
      reason: hostileValue,
      reasonCode: hostileValue,
      important: hostileValue,
      score: hostileValue,
      input: hostileValue,
      metadata: hostileValue,
    },
    { requiredKeys: [] }
  ),
  fc.constant(0).map(() =>
    Object.defineProperty({ outcome: KEPT }, 'itemId', {
      enumerable: true,
      get: () => {
        throw new Error('id');
      },
    })
  )
);

const OWN_ERROR = new Error('the caller’s own');
type Op =
  | { kind: 'startRun'; name: unknown; input: unknown; options: unknown }
  | {
      kind: 'step';
      run: number;
      type: unknown;
      name: unknown;
      mode: 'return' | 'record' | 'throw' | 'async';
      decisions: unknown[];
      input: unknown;
      options: unknown;
    }
  | { kind: 'endRun'; run: number; result: unknown; error: unknown }
  | { kind: 'flush' | 'shutdown' | 'stats' };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('startRun' as const),
      name: hostileValue,
      input: hostileValue,
      options: hostileValue,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      run: fc.integer({ min: -1, max: 5 }),
      type: hostileValue,
      name: hostileValue,
      mode: fc.constantFrom('return' as const, 'record' as const, 'throw' as const, 'async' as const),
      decisions: fc.array(hostileDecision, { maxLength: 8 }),
      input: hostileValue,
      options: hostileValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('endRun' as const),
      run: fc.integer({ min: -1, max: 5 }),
      result: hostileValue,
      error: hostileValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('flush' as const, 'stats' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'shutdown' as const }) }
);

async function apply(xray: XRay, runs: string[], o: Op): Promise<void> {
  const runId = (i: number) => runs[i] ?? (i < 0 ? 'not-a-run' : 'f'.repeat(32));
  switch (o.kind) {
    case 'startRun':
      runs.push(await xray.startRun(o.name as string, o.input, o.options as never));
      return;
    case 'step': {
      const fn = async (_input: unknown, record: (d: Decision) => void) => {
        if (o.mode === 'record') for (const d of o.decisions) record(d as Decision);
        if (o.mode === 'throw') throw OWN_ERROR;
        if (o.mode === 'async') await new Promise((r) => setImmediate(r));
        return o.decisions;
      };
      try {
        await xray.step(runId(o.run), o.type as StepType, o.name as string, fn, o.input, o.options as never);
      } catch (err) {
        if (err !== OWN_ERROR) throw err; // only the caller's own error may come back
      }
      return;
    }
    case 'endRun':
      await xray.endRun(runId(o.run), o.result, o.error);
      return;
    case 'flush':
      expect(typeof (await xray.flush())).toBe('boolean');
      return;
    case 'stats':
      xray.stats();
      return;
    case 'shutdown':
      await xray.shutdown();
  }
}

describe('hostile use', () => {
  it('never lets an X-Ray failure escape, over thousands of generated calls', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const xray = new XRay({
          exporter: new InMemorySpanExporter(),
          maxPayloadBytes: 1024,
          flushTimeoutMillis: 1000,
        });
        const runs: string[] = [];
        for (const o of ops) {
          await apply(xray, runs, o);
          calls++;
        }
        await xray.shutdown();
        const stats = xray.stats();
        expect(stats.decisionsMade).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 }
    );
    await new Promise((r) => setTimeout(r, 50)); // let any stray rejection surface
    expect(calls).toBeGreaterThan(2000);
    expect(unhandled).toEqual([]);
  });
});

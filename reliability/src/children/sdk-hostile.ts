#!/usr/bin/env node
import { type Decision, KEPT, type StepType, XRay, XRStepType } from '@xray/sdk';
import { prng } from '../util.js';

// Child of the sdk-never-throws test: `node sdk-hostile.js <endpoint> <calls> <seed>`. Makes
// hostile SDK calls against an unreachable endpoint and prints one REPORT line of JSON.
const [endpoint = '', callsArg = '1000', seedArg = '1'] = process.argv.slice(2);
const CALLS = Number(callsArg);
const random = prng(Number(seedArg));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const report = {
  calls: 0,
  escaped: 0,
  ownErrors: 0,
  ownReturned: 0,
  uncaught: 0,
  unhandled: 0,
  firstEscaped: undefined as string | undefined,
};
process.on('uncaughtException', () => report.uncaught++);
process.on('unhandledRejection', () => report.unhandled++);

function cyclic(): unknown {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  o.list = [o, { o }];
  return o;
}
const throwing = () => {
  throw new Error('hostile');
};
const trapAll = new Proxy(
  {},
  { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing }
);
const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { v };
  return v;
};
const hostileValues: (() => unknown)[] = [
  () => null,
  () => undefined,
  () => NaN,
  () => -Infinity,
  () => 10n ** 40n,
  () => Symbol('s'),
  () => () => 1,
  cyclic,
  () => Object.defineProperty({}, 'boom', { enumerable: true, get: throwing }),
  () => ({ toJSON: throwing }),
  () => trapAll,
  () => 'h'.repeat(1 << 20),
  () => deep(5000),
  () => Object.create(null) as unknown,
  () => new Date(NaN),
  () => new Map([[{}, new Set([1])]]),
  () => new Uint8Array(1 << 16),
  () => '\ud800 lone surrogate \u0000',
  // eslint-disable-next-line no-sparse-arrays -- a hole in an array is one of the hostile values
  () => [1, , 3],
  () => ({ itemId: trapAll, outcome: KEPT }),
  () => ({ itemId: 'x', outcome: 'maybe' }),
  () => ({ itemId: 1, outcome: KEPT, score: 10n, input: cyclic(), metadata: trapAll, reason: { toString: throwing } }),
  () => 42,
  () => 'text',
];
const hostile = () => pick(hostileValues)();
const decisions = (): unknown[] =>
  Array.from({ length: Math.floor(random() * 20) }, (_, i) =>
    random() < 0.5 ? { itemId: `item-${i}`, outcome: KEPT, reason: hostile(), input: hostile() } : hostile()
  );

const OWN = new Error('the caller’s own error');
const OWN_VALUE = { own: true };
let xray = new XRay({ endpoint, exportTimeoutMillis: 1000, flushTimeoutMillis: 10 });
const runs: string[] = [];
let lateRecord: ((d: Decision) => void) | undefined;

/** One SDK call; the caller's own errors must come back unchanged, nothing else may. */
async function call(work: () => unknown, own?: unknown): Promise<void> {
  report.calls++;
  if (own !== undefined) report.ownErrors++;
  try {
    await work();
  } catch (err) {
    if (own !== undefined && err === own) report.ownReturned++;
    else {
      report.escaped++;
      report.firstEscaped ??= String((err as Error)?.stack ?? err).slice(0, 300);
    }
  }
}

const runId = () => (random() < 0.8 && runs.length > 0 ? pick(runs) : (hostile() as string));
const ops: (() => Promise<void>)[] = [
  () => call(async () => runs.push(await xray.startRun(hostile() as string, hostile(), hostile() as never))),
  () => call(async () => runs.push(await xray.startRun(`run-${runs.length}`, decisions()))),
  () =>
    call(() =>
      xray.step(
        runId(),
        hostile() as StepType,
        hostile() as string,
        () => decisions() as Decision[],
        hostile(),
        hostile() as never
      )
    ),
  () =>
    call(() =>
      xray.step(
        runId(),
        XRStepType.FILTER,
        'record',
        (_input: unknown, record: (d: Decision) => void) => {
          lateRecord = record;
          for (const d of decisions()) record(d as Decision);
          // Wrapped: a bare value whose \`then\` getter throws would be the caller's own failure (await reads it).
          return [hostile()];
        },
        hostile()
      )
    ),
  () => call(() => lateRecord?.(hostile() as Decision)),
  () =>
    call(
      () =>
        xray.step(
          runId(),
          XRStepType.RANK,
          'throws',
          () => {
            throw OWN;
          },
          hostile()
        ),
      OWN
    ),
  () =>
    call(
      () =>
        xray.step(
          runId(),
          XRStepType.RANK,
          'throws a value',
          async () => {
            throw OWN_VALUE;
          },
          hostile()
        ),
      OWN_VALUE
    ),
  () =>
    call(
      () =>
        xray.run(hostile() as string, hostile(), async () => {
          throw OWN;
        }),
      OWN
    ),
  () =>
    call(() =>
      xray.run(`run-${runs.length}`, hostile(), async (id) =>
        xray.step(id, XRStepType.CUSTOM, 'nested', () => decisions() as Decision[], hostile())
      )
    ),
  () => call(() => xray.endRun(runId(), hostile(), hostile())),
  () => call(() => xray.endRun(hostile() as string)),
  () => call(() => xray.flush()),
  () => call(() => xray.stats()),
];

for (let i = 0; i < CALLS; i++) {
  // Now and then shut the client down mid-stream: calls after shutdown are no-ops, then a new client.
  if (random() < 0.002) {
    await call(() => xray.shutdown());
    await call(() =>
      xray.step(runId(), XRStepType.FILTER, 'after shutdown', () => decisions() as Decision[], hostile())
    );
    xray = new XRay({ endpoint, exportTimeoutMillis: 1000, flushTimeoutMillis: 10 });
    runs.length = 0;
  }
  await pick(ops)();
}
await call(() => xray.shutdown());
await new Promise((r) => setTimeout(r, 500)); // late rejections and async throws have time to show
process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);

import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { dayOf } from '@xray/core/storage';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { describe, expect, it } from 'vitest';
import { AgedExporter, hrTimeBefore } from './aged.js';
import { Ledger, LedgerExporter } from './ledger.js';

const DAY_MILLIS = 86_400_000;

describe('aged spans', () => {
  it('move an HrTime back across whole seconds', () => {
    expect(hrTimeBefore([10, 200_000_000], 300)).toEqual([9, 900_000_000]);
    expect(hrTimeBefore([1_764_000_000, 0], DAY_MILLIS)).toEqual([1_764_000_000 - 86_400, 0]);
  });

  it('reach the exporter and the ledger as recorded that long ago, ids and decisions unchanged', async () => {
    const ledger = new Ledger();
    const inner = new InMemorySpanExporter();
    const xray = new XRay({
      exporter: new AgedExporter(new LedgerExporter(inner, ledger), 3 * DAY_MILLIS),
      capture: 'full',
    });
    const before = Date.now();
    const runId = await xray.startRun('aged', { n: 2 });
    await xray.step(
      runId,
      XRStepType.FILTER,
      'f',
      (input: string[]) => input.map((id) => ({ itemId: id, outcome: KEPT, input: id })),
      ['a', 'b']
    );
    await xray.endRun(runId, ['a', 'b']);
    await xray.flush();
    const exported = inner.getFinishedSpans(); // before shutdown, which empties it
    await xray.shutdown();

    const spans = ledger.acknowledged();
    expect(spans.map((s) => s.runId)).toEqual([runId, runId]);
    const threeDaysAgo = dayOf(String(BigInt(before - 3 * DAY_MILLIS) * 1_000_000n));
    for (const s of spans) expect(dayOf(s.startNanos)).toBe(threeDaysAgo);
    expect(spans.find((s) => s.kind === 'step')!.decisions.map((d) => d.itemId)).toEqual(['a', 'b']);
    const step = exported.find((s) => s.events.length > 0)!;
    const startMillis = step.startTime[0] * 1000 + step.startTime[1] / 1e6;
    // OpenTelemetry's clock (performance.timeOrigin + now()) may drift a few ms from Date.now().
    expect(before - startMillis).toBeGreaterThanOrEqual(3 * DAY_MILLIS - 1000);
    expect(before - startMillis).toBeLessThan(3 * DAY_MILLIS + 60_000);
    for (const e of step.events) expect(e.time[0]).toBeLessThanOrEqual(step.endTime[0]);
    expect(step.endTime[0] - step.startTime[0]).toBeLessThan(5);
  });
});

import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { describe, expect, it } from 'vitest';
import { Ledger, LedgerExporter, outcomeOf } from './ledger.js';

describe('the ledger', () => {
  it('classifies export results: ok, refused with a status (failed), or no answer (unknown)', () => {
    expect(outcomeOf({ code: ExportResultCode.SUCCESS })).toBe('ok');
    expect(
      outcomeOf({
        code: ExportResultCode.FAILED,
        error: Object.assign(new Error('Service Unavailable'), { code: 503 }),
      })
    ).toBe('failed');
    expect(
      outcomeOf({
        code: ExportResultCode.FAILED,
        error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      })
    ).toBe('unknown');
    expect(outcomeOf({ code: ExportResultCode.FAILED, error: new Error('Request timed out') })).toBe('unknown');
  });

  it('records every request with each decision at its position in the step, across chunk spans', async () => {
    const ledger = new Ledger();
    const xray = new XRay({
      exporter: new LedgerExporter(new InMemorySpanExporter(), ledger),
      capture: 'full',
      decisionsPerSpan: 10,
    });
    const items = Array.from({ length: 25 }, (_, i) => ({ id: `i${i}` }));
    const runId = await xray.startRun('ledger', items);
    await xray.step(
      runId,
      XRStepType.FILTER,
      'f',
      (input: typeof items) => input.map((it) => ({ itemId: it.id, outcome: KEPT, input: it })),
      items
    );
    await xray.endRun(runId, []);
    await xray.shutdown();
    expect(ledger.counts()).toEqual({ ok: ledger.exports.length, failed: 0, unknown: 0 });
    const spans = ledger.acknowledged();
    const step = spans.find((s) => s.kind === 'step')!;
    const decisions = spans
      .filter((s) => s.stepId === step.stepId)
      .flatMap((s) => s.decisions)
      .sort((a, b) => a.seq - b.seq);
    expect(decisions.map((d) => [d.seq, d.itemId])).toEqual(items.map((it, i) => [i, it.id]));
    expect(spans.find((s) => s.kind === 'run')).toMatchObject({
      runId,
      fields: { pipeline: 'ledger', total_steps: 1, input_count: 25 },
    });
    expect(new Set(decisions.map((d) => d.inputHash)).size).toBe(25);
  });
});

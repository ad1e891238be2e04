import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as C from '@xray/otel';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { describe, expect, it } from 'vitest';
import { hashCanonical, Ledger, LedgerExporter, outcomeOf, sentSpan } from './ledger.js';

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

  it("takes a decision's input hash from the load when told it, else from the inline value, else from the reference", () => {
    const sha = 'e'.repeat(64);
    const event = (itemId: string, input: Record<string, string>) => ({
      name: C.EVENT_XRAY_DECISION,
      time: [0, 0],
      attributes: { [C.ATTR_XRAY_DECISION_ITEM_ID]: itemId, [C.ATTR_XRAY_DECISION_OUTCOME]: 'kept', ...input },
    });
    const span = {
      attributes: { [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.DECISIONS, [C.ATTR_XRAY_STEP_ID]: 'b'.repeat(16) },
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), traceFlags: 1 }),
      startTime: [1, 0],
      events: [
        event('told', { [C.ATTR_XRAY_DECISION_INPUT]: '{"cut":true}' }), // what the SDK sent differs from what was made
        event('inline', { [C.ATTR_XRAY_DECISION_INPUT]: '{ "a": 1 }' }),
        event('by-ref', { [C.ATTR_XRAY_DECISION_INPUT_REF]: `2025-11-26/${sha}/20000` }),
      ],
    } as unknown as ReadableSpan;
    const made = hashCanonical('{"made":true}');
    const decisions = sentSpan(span, (itemId) => (itemId === 'told' ? made : undefined)).decisions;
    expect(decisions.map((d) => [d.itemId, d.inputHash, d.inputRef])).toEqual([
      ['told', made, undefined],
      ['inline', hashCanonical('{"a":1}'), undefined],
      ['by-ref', sha, `2025-11-26/${sha}/20000`],
    ]);
  });
});

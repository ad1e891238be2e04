import type { ErrorResponse, RunListResponse, RunSummary, StepListResponse } from '@xray/core/api';
import { ELIMINATED, KEPT, SCORED, XRay, XRStepType } from '@xray/sdk';
import { freePort, waitForHttp } from '@xray/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Three processors in one consumer group share the work and write what one would: counts come
// from the SDK's span attributes, so no processor needs another's state.
let stack: TestStack;
const ports: number[] = [];
const expected = new Map<string, { input: number; output: number; filterEliminated: number }>();
const RUNS = 24;

beforeAll(async () => {
  // One entry per batch and a short poll, so the three processors interleave.
  stack = await startTestStack('scale', { PROCESSOR_BATCH_ENTRIES: '1', PROCESSOR_BLOCK_MS: '20' });
  for (const name of ['processor-2', 'processor-3']) {
    const port = await freePort();
    ports.push(port);
    const p = stack.addProcessor(name, port);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, p);
  }
  const xray = new XRay({
    endpoint: `${stack.receiverUrl}/v1/traces`,
    apiKey: stack.keys.ingestKey,
    capture: 'full',
    decisionsPerSpan: 100,
  });
  // Flushed after every step and run: each lands in its own stream entry, so a run's steps and the
  // run itself are written by different processors, in whatever order they get to them.
  for (let r = 0; r < RUNS; r++) {
    const items = Array.from({ length: 200 + r * 17 }, (_, i) => ({ id: `r${r}-i${i}`, score: (i * 7919) % 100 }));
    const threshold = 10 + r;
    await xray.run(`scale-${r % 3}`, items, async (runId) => {
      const filtered = await xray.step(
        runId,
        XRStepType.FILTER,
        'filter',
        (input: typeof items) =>
          input.map((it) => ({
            itemId: it.id,
            outcome: it.score >= threshold ? KEPT : ELIMINATED,
            reason: `score vs ${threshold}`,
          })),
        items
      );
      await xray.flush();
      const kept = filtered.filter((d) => d.outcome === KEPT);
      await xray.step(
        runId,
        XRStepType.RANK,
        'rank',
        (input: typeof kept) => input.map((d) => ({ itemId: d.itemId, outcome: SCORED, score: 1 })),
        kept
      );
      await xray.flush();
      expected.set(runId, { input: items.length, output: kept.length, filterEliminated: items.length - kept.length });
      return kept;
    });
    await xray.flush();
  }
  await xray.shutdown();
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('three processors in one consumer group', () => {
  it('store every run with the same exact metrics one processor would', async () => {
    for (const [runId, want] of expected) {
      const run = await eventually(
        async () => {
          const { status, body } = await stack.get<RunSummary>(`/v1/runs/${runId}`);
          return status === 200 ? body : undefined;
        },
        60_000,
        `run ${runId}`
      );
      expect([run.totalSteps, run.inputCount, run.outputCount]).toEqual([2, want.input, want.output]);
      const { body } = await eventually(
        async () => {
          const res = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
          return res.body.steps?.length === 2 ? res : undefined;
        },
        60_000,
        `steps of ${runId}`
      );
      expect(body.steps.map((s) => [s.name, s.inputCount, s.eliminatedCount, s.recordedCount])).toEqual([
        ['filter', want.input, want.filterEliminated, want.input],
        ['rank', want.output, 0, want.output],
      ]);
    }
  });

  it('share the work: each processor wrote some entries, none is left pending', async () => {
    const stats = await Promise.all(
      [stack.processorUrl, ...ports.map((p) => `http://127.0.0.1:${p}`)].map(
        async (url) => (await (await fetch(`${url}/stats`)).json()) as { entries: number; decisions: number }
      )
    );
    for (const s of stats) expect(s.entries).toBeGreaterThan(0);
    const totalDecisions = [...expected.values()].reduce((n, e) => n + e.input + e.output, 0);
    expect(stats.reduce((n, s) => n + s.decisions, 0)).toBe(totalDecisions);
    const metrics = await (await fetch(`${stack.processorUrl}/metrics`)).text();
    expect(metrics).toMatch(/xray_processor_queue_pending\{[^}]*\} 0\n/);
  });

  it('lists runs that look wrong: by ratio range and status, highest elimination first, page by page', async () => {
    const all: RunSummary[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: RunListResponse } = await stack.get<RunListResponse>(
        `/v1/runs?sort=ratio&limit=5${cursor ? `&cursor=${cursor}` : ''}`
      );
      all.push(...page.body.runs);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(RUNS);
    const byRatio = [...all].sort(
      (a, b) =>
        b.eliminationRatio - a.eliminationRatio ||
        b.startedAt.localeCompare(a.startedAt) ||
        b.runId.localeCompare(a.runId)
    );
    expect(all.map((r) => r.runId)).toEqual(byRatio.map((r) => r.runId));

    const [lo, hi] = [all[18]!.eliminationRatio, all[5]!.eliminationRatio];
    const { body: band } = await stack.get<RunListResponse>(
      `/v1/runs?minEliminationRatio=${lo}&maxEliminationRatio=${hi}&limit=100`
    );
    expect(band.runs.map((r) => r.runId).sort()).toEqual(
      all
        .filter((r) => r.eliminationRatio >= lo && r.eliminationRatio <= hi)
        .map((r) => r.runId)
        .sort()
    );
    expect((await stack.get<RunListResponse>('/v1/runs?status=error')).body.runs).toEqual([]);
    expect((await stack.get<RunListResponse>('/v1/runs?status=ok&limit=100')).body.runs).toHaveLength(RUNS);

    const timeCursor = (await stack.get<RunListResponse>('/v1/runs?limit=1')).body.nextCursor!;
    const mixed = await stack.get<ErrorResponse>(`/v1/runs?sort=ratio&cursor=${timeCursor}`);
    expect([mixed.status, mixed.body.error.message]).toEqual([
      400,
      'cursor belongs to another sort order; start again without it',
    ]);
    expect((await stack.get<ErrorResponse>('/v1/runs?sort=worst')).status).toBe(400);
    expect((await stack.get<ErrorResponse>('/v1/runs?status=failed')).body.error.message).toBe(
      'status must be one of ok, error; got "failed"'
    );
  });
});

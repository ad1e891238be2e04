#!/usr/bin/env node
import type {
  DecisionDetail,
  DecisionListResponse,
  RunListResponse,
  RunSummary,
  StepListResponse,
  StepSummary,
} from '@xray/core/api';
import { resolve } from 'node:path';
import { XRay } from '@xray/sdk';
import { DEV_KEYS_FILE, readDevKeys } from '../dev-project.js';
import { bar, bold, dim, pct, red, table } from './format.js';
import { makeDocs, PIPELINE, runPipeline } from './pipeline.js';

// `npm run demo`: runs the seed's pipeline twice against a running stack (the buggy filter that
// needs ALL keywords, then the fix that needs SOME) and walks through the debugging story using
// only the query API.
const queryUrl = (process.env.XRAY_QUERY_URL ?? `http://127.0.0.1:${process.env.QUERY_PORT ?? 8080}`).replace(
  /\/$/,
  ''
);
const endpoint = process.env.XRAY_ENDPOINT ?? `http://127.0.0.1:${process.env.RECEIVER_PORT ?? 4318}/v1/traces`;
const out = (line = '') => process.stdout.write(`${line}\n`);
// The development project's keys, as `npm start` saved them (or XRAY_API_KEY / XRAY_READ_KEY).
const dataDir = resolve(process.env.XRAY_DATA_DIR ?? '.xray-data');
const devKeys = await readDevKeys(dataDir);
const ingestKey = process.env.XRAY_API_KEY ?? devKeys?.ingestKey;
const readKey = process.env.XRAY_READ_KEY ?? devKeys?.readKey;

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${queryUrl}${path}`, { headers: { authorization: `Bearer ${readKey}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMillis = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  for (const [name, url] of [
    ['query API', `${queryUrl}/healthz`],
    ['receiver', new URL('/healthz', endpoint).toString()],
  ] as const) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false
    );
    if (!ok)
      throw new Error(
        `the ${name} does not answer at ${url}. Start X-Ray first with "npm start" (in another terminal).`
      );
  }
  if (!ingestKey || !readKey) {
    throw new Error(
      `no API keys: ${dataDir}/${DEV_KEYS_FILE} is missing (npm start writes it). Set XRAY_API_KEY and XRAY_READ_KEY to use other keys.`
    );
  }

  out(bold('Running the pipeline twice through the X-Ray SDK ...'));
  const docs = makeDocs(1000);
  // Debugging a run: record every decision (the default, sampled, keeps a small sample per step).
  const xray = new XRay({ endpoint, apiKey: ingestKey, serviceName: 'x-ray-demo', capture: 'full' });
  const buggy = await runPipeline(xray, docs, 'all');
  const fixed = await runPipeline(xray, docs, 'some');
  await xray.shutdown();
  out(`  run ${buggy}  filter requires ALL keywords (the bug)`);
  out(`  run ${fixed}  filter requires SOME keyword (the fix)`);
  const started = Date.now();
  for (const id of [buggy, fixed]) {
    await waitFor(`run ${id} to be queryable`, async () => {
      const { body } = await get<StepListResponse>(`/v1/runs/${id}/steps`);
      const { status } = await get<RunSummary>(`/v1/runs/${id}`);
      return status === 200 && body.steps?.length === 4 ? true : undefined;
    });
  }
  out(dim(`  queryable ${Date.now() - started} ms after the SDK flushed`));

  out();
  out(bold('1. The dashboard: recent runs, highest elimination first catches the eye'));
  const { body: runs } = await get<RunListResponse>(`/v1/runs?pipeline=${PIPELINE}&limit=5`);
  out(
    table(
      ['run', 'started', 'steps', 'in → out', 'eliminated'],
      runs.runs.map((r) => [
        r.runId === buggy ? red(r.runId) : r.runId,
        r.startedAt.slice(11, 23),
        String(r.totalSteps),
        `${r.inputCount} → ${r.outputCount}`,
        r.eliminationRatio > 0.6 ? red(pct(r.eliminationRatio)) : pct(r.eliminationRatio),
      ])
    )
  );
  const run = runs.runs.find((r) => r.runId === buggy)!;
  out(
    `  → run ${run.runId.slice(0, 8)}… eliminated ${bold(pct(run.eliminationRatio))} of ${run.inputCount} candidates (expected about 40%).`
  );

  out();
  out(bold(`2. Its step timeline  (GET /v1/runs/${buggy.slice(0, 8)}…/steps)`));
  const steps = (await get<StepListResponse>(`/v1/runs/${buggy}/steps`)).body.steps;
  const worst = steps.reduce((a, b) => (b.eliminatedCount > a.eliminatedCount ? b : a));
  out(
    table(
      ['#', 'step', 'type', 'in', 'out', 'eliminated', 'ratio', ''],
      steps.map((s) => stepRow(s, s === worst))
    )
  );

  out();
  out(bold(`3. The step that eliminated most: ${worst.name}, ${pct(worst.eliminationRatio)} of its input`));
  const eliminated: DecisionListResponse['decisions'] = [];
  let cursor: string | null = null;
  do {
    const page: { body: DecisionListResponse } = await get<DecisionListResponse>(
      `/v1/steps/${worst.stepId}/decisions?outcome=eliminated&limit=1000${cursor ? `&cursor=${cursor}` : ''}`
    );
    eliminated.push(...page.body.decisions);
    cursor = page.body.nextCursor;
  } while (cursor);
  const reasons = new Map<string, number>();
  for (const d of eliminated) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
  const ranked = [...reasons].sort((a, b) => b[1] - a[1]);
  const sample = eliminated.filter((d) => d.reason === ranked[0]![0]).slice(0, 5);

  out();
  out(bold('4. Its decisions say why  (GET /v1/steps/…/decisions?outcome=eliminated)'));
  out(
    table(
      ['reason', 'decisions'],
      ranked.map(([reason, n]) => [reason, String(n)])
    )
  );
  out();
  out(
    table(
      ['item', 'outcome', 'reason'],
      sample.map((d) => [d.itemId, d.outcome, d.reason])
    )
  );
  const detail = (await get<DecisionDetail>(`/v1/decisions/${sample[0]!.eventId}`)).body;
  out(
    dim(
      `  full payload of ${detail.eventId} from S3: input.keywords = ${JSON.stringify((detail.input as { keywords?: string[] }).keywords)}, metadata = ${JSON.stringify(detail.metadata)}`
    )
  );

  out();
  out(bold('5. Root cause: the filter requires ALL required keywords instead of SOME'));
  const fixedSteps = (await get<StepListResponse>(`/v1/runs/${fixed}/steps`)).body.steps;
  const fixedRun = (await get<RunSummary>(`/v1/runs/${fixed}`)).body;
  out(
    table(
      ['step', 'ALL (bug)', 'SOME (fix)', 'change'],
      steps.map((s, i) => {
        const f = fixedSteps[i]!;
        return [
          s.name,
          pct(s.eliminationRatio),
          pct(f.eliminationRatio),
          `${((f.eliminationRatio - s.eliminationRatio) * 100).toFixed(1)} pts`,
        ];
      })
    )
  );
  out(
    `  whole run: ${red(pct(run.eliminationRatio))} eliminated with ALL, ${bold(pct(fixedRun.eliminationRatio))} with SOME; ${run.outputCount} → ${fixedRun.outputCount} results.`
  );
}

function stepRow(s: StepSummary, worst: boolean): string[] {
  const ratio = worst ? red(pct(s.eliminationRatio)) : pct(s.eliminationRatio);
  return [
    String(s.index),
    worst ? red(s.name) : s.name,
    s.type,
    String(s.inputCount),
    String(s.outputCount),
    String(s.eliminatedCount),
    ratio,
    bar(s.eliminationRatio),
  ];
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});

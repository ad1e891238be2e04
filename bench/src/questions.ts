#!/usr/bin/env node
import { createClient } from '@clickhouse/client';
import type {
  DecisionDetail,
  DecisionListResponse,
  ItemInRunResponse,
  ItemRunsResponse,
  ReasonHistogramResponse,
  RunDiffResponse,
  StepListResponse,
} from '@xray/core/api';
import { DEFAULT_CONSUMER_GROUP, encodeQueueEntry, QUEUE_MESSAGE_VERSION } from '@xray/core/ingest';
import { DEFAULT_RETENTION_DAYS } from '@xray/core/model';
import { decodeOtlpProtobuf } from '@xray/core/otlp';
import { Redis } from 'ioredis';
import {
  DAY_MS,
  fate,
  Generator,
  itemName,
  PIPELINES,
  POOL,
  prng,
  type RunFacts,
  type RunSpec,
  runDecisions,
} from './questions-data.js';
import { measureExpiry } from './expiry.js';
import { log, median, percentile, s3Usage, startBenchStack } from './util.js';

// `npm run bench:questions`: loads a synthetic store of 10M decisions (x XRAY_BENCH_SCALE) through
// the processor's own write path — OTLP/protobuf bodies made by the SDK, enqueued as the receiver
// enqueues them (queue message v2), written by the real processor process(es) to S3 and ClickHouse
// — then asks every question of issue 5 through the query API with the read key: warm-up, then
// repetitions rotating over several runs/steps/items, median and p99 per question, against the
// issue's goals; plus correctness spot checks against what the generator knows, and ClickHouse
// storage bytes per decision.

const SCALE = Number(process.env.XRAY_BENCH_SCALE ?? 1);
const TARGET = Math.round(10_000_000 * SCALE);
const BIG = Math.max(2_000, Math.round(50_000 * Math.min(1, SCALE * 10))); // decisions of each of the two diff runs
const PROCESSORS = Number(process.env.XRAY_BENCH_PROCESSORS ?? 1);
const SPANS_PER_REQUEST = 8; // ~8,000 decisions, ~1.3 MB per request
const MAX_BACKLOG = 48; // stream entries not yet acknowledged before the generator waits
const REPS = Number(process.env.XRAY_BENCH_REPS ?? 40);
const WARMUP = 5;
const GROUP = DEFAULT_CONSUMER_GROUP;
const NOW = Date.now();
const MONTH_START = NOW - 30 * DAY_MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The plan: run specs in time order.

const rand = prng(20261126);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const bigPipeline = PIPELINES[0]!;
const bigItems = Array.from({ length: POOL }, (_, i) => i);
function bigRunItems(): number[] {
  // As many pool items as make BIG decisions in a run of the big pipeline.
  const probe: RunSpec = { pipeline: bigPipeline, seed: 4242, items: bigItems, startMs: 0, error: false };
  const perItem = runDecisions(probe) / POOL;
  return bigItems.slice(0, Math.min(POOL, Math.round(BIG / perItem)));
}
const bigA: RunSpec = {
  pipeline: bigPipeline,
  seed: 4242,
  items: bigRunItems(),
  startMs: NOW - 10 * DAY_MS + 3_600_000,
  error: false,
  label: 'big-A',
};
const flip = new Set(bigA.items.filter((i) => i % 47 === 3));
const bigB: RunSpec = { ...bigA, startMs: NOW - 9 * DAY_MS + 3_600_000, flip, label: 'big-B' };

const specs: RunSpec[] = [];
let planned = runDecisions(bigA) + runDecisions(bigB);
while (planned < TARGET) {
  const pipeline = PIPELINES[specs.length % PIPELINES.length]!;
  const n = 400 + Math.floor(rand() * 1600);
  // n distinct pool items: a random start and a stride coprime to the pool size.
  const strides = [1, 3, 7, 11, 13, 17, 19, 23, 29, 31, 37];
  const start = Math.floor(rand() * POOL);
  const stride = pick(strides);
  const items = Array.from({ length: n }, (_, j) => (start + j * stride) % POOL);
  const spec: RunSpec = { pipeline, seed: Math.floor(rand() * 2 ** 31), items, startMs: 0, error: rand() < 0.02 };
  specs.push(spec);
  planned += runDecisions(spec);
}
specs.forEach((s, i) => (s.startMs = Math.round(MONTH_START + ((i + 0.5) / specs.length) * 30 * DAY_MS)));
// The two big runs take their place in time order.
specs.push(bigA, bigB);
specs.sort((a, b) => a.startMs - b.startMs);

// Items whose history is checked: the generator records their fate in every run.
const tracked = [bigA.items[3]!, 12_345 % POOL, 777];
const trackedHistory = new Map<
  number,
  Map<string, { eliminatedAt: string | null; decisions: number; startMs: number }>
>(tracked.map((t) => [t, new Map()]));

// ---------------------------------------------------------------------------------------------

process.stdout.write(
  `X-Ray questions benchmark — scale ${SCALE}: ${specs.length} runs over 30 days, ${planned.toLocaleString('en-US')} decisions planned (capture full), ` +
    `${PIPELINES.length} pipelines, items from a pool of ${POOL.toLocaleString('en-US')}, two runs of ${bigPipeline.name} of ${runDecisions(bigA).toLocaleString('en-US')} / ${runDecisions(bigB).toLocaleString('en-US')} decisions (${flip.size} items flipped); ${PROCESSORS} processor(s)\n`
);
// No janitor: the benchmark expires its oldest day itself, at the end, to time it.
const stack = await startBenchStack('questions', { PROCESSOR_BATCH_ENTRIES: '12', XRAY_JANITOR_INTERVAL_MS: '0' });
const { services, storage, settings } = stack;
const projectId = services.keys.projectId;
const readKey = services.keys.readKey;
for (let i = 2; i <= PROCESSORS; i++) services.addProcessor(`processor-${i}`);
const redis = new Redis(settings.redisUrl);
const ch = createClient({
  url: storage.clickhouseUrl,
  database: settings.database,
  request_timeout: 600_000,
  clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
});

function fields(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}
async function backlog(): Promise<number> {
  const groups = ((await redis.xinfo('GROUPS', settings.stream).catch(() => [])) as unknown[][]).map(fields);
  const g = groups.find((x) => x.name === GROUP);
  if (!g) return 0;
  return Number(g.lag ?? 0) + Number(g.pending ?? 0);
}
async function storedDecisions(): Promise<number> {
  const rows = await (
    await ch.query({
      query:
        "SELECT sum(rows) AS n FROM system.parts WHERE database = currentDatabase() AND table = 'decision_events' AND active",
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

const facts: RunFacts[] = [];
try {
  // -------------------------------------------------------------------------------------------
  // Load.
  const gen = new Generator({ receiverUrl: services.receiverUrl, ingestKey: services.keys.ingestKey });
  const loadStarted = performance.now();
  let enqueued = 0;
  let entries = 0;
  let bytes = 0;
  let lastReport = 0;
  let genSeconds = 0;
  let checked = false;
  const progress = async (final = false) => {
    const t = (performance.now() - loadStarted) / 1000;
    if (!final && t - lastReport < 5) return;
    lastReport = t;
    const stored = await storedDecisions().catch(() => NaN);
    const rate = stored / t;
    const eta = (planned - stored) / rate;
    log(
      `load ${t.toFixed(0)} s: enqueued ${(enqueued / 1e6).toFixed(2)}M, stored ${(stored / 1e6).toFixed(2)}M of ${(planned / 1e6).toFixed(2)}M decisions (${Math.round(rate).toLocaleString('en-US')} rows/s into decision_events, ETA ${Number.isFinite(eta) ? eta.toFixed(0) : '?'} s), backlog ${await backlog()} entries`
    );
  };
  for (const spec of specs) {
    const g0 = performance.now();
    const { facts: f, bodies } = await gen.run(spec, SPANS_PER_REQUEST);
    genSeconds += (performance.now() - g0) / 1000;
    facts.push(f);
    for (const t of tracked) {
      if (!spec.items.includes(t)) continue;
      const k = fate(spec, t);
      trackedHistory.get(t)!.set(f.runId, {
        eliminatedAt: k < 0 ? null : spec.pipeline.steps[k]!.name,
        decisions: k < 0 ? spec.pipeline.steps.length : k + 1,
        startMs: spec.startMs,
      });
    }
    if (!checked) {
      // The bodies decode, with the receiver's decoder, to the spans they carry.
      for (const b of bodies) {
        const d = decodeOtlpProtobuf(b.body);
        if (!d.ok || d.value.spans.length !== b.spans)
          throw new Error(
            `generated body does not decode to its ${b.spans} spans: ${d.ok ? d.value.spans.length : d.error}`
          );
      }
      checked = true;
    }
    while ((await backlog()) > MAX_BACKLOG) {
      await sleep(20);
      await progress();
    }
    const pipe = redis.pipeline();
    for (const b of bodies) {
      pipe.xadd(
        settings.stream,
        '*',
        ...encodeQueueEntry({
          v: QUEUE_MESSAGE_VERSION,
          projectId,
          receivedAt: Date.now(),
          format: 'protobuf',
          acceptedSpans: b.spans,
          body: b.body,
        })
      );
      bytes += b.body.byteLength;
    }
    await pipe.exec();
    entries += bodies.length;
    enqueued += f.decisions;
    await progress();
  }
  const sdkStats = gen.stats();
  await gen.close();
  while ((await backlog()) > 0) {
    await sleep(100);
    await progress();
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await progress(true);
  const generated = facts.reduce((n, f) => n + f.decisions, 0);
  const [counts] = await (
    await ch.query({
      query: `SELECT (SELECT count() FROM decision_events FINAL) AS de, (SELECT count() FROM item_decisions FINAL) AS idd, (SELECT count() FROM runs FINAL) AS runs, (SELECT count() FROM steps FINAL) AS steps`,
      format: 'JSONEachRow',
    })
  ).json<{ de: string; idd: string; runs: string; steps: string }>();
  const dead = await redis.xlen(`${settings.stream}:dead`);
  process.stdout.write(
    `\nload: ${generated.toLocaleString('en-US')} decisions in ${facts.length} runs, ${entries} queue entries (${(bytes / 1e6).toFixed(0)} MB OTLP/protobuf) in ${loadSeconds.toFixed(0)} s ` +
      `(${Math.round(generated / loadSeconds).toLocaleString('en-US')} decisions/s end to end; the SDK generating and encoding took ${genSeconds.toFixed(0)} s of it, same process, overlapped with the processor) — ` +
      `stored (FINAL): decision_events ${Number(counts!.de).toLocaleString('en-US')}, item_decisions ${Number(counts!.idd).toLocaleString('en-US')}, runs ${counts!.runs}, steps ${counts!.steps}; dead letters ${dead}; SDK dropped ${JSON.stringify(sdkStats.decisionsDropped)}\n`
  );

  // -------------------------------------------------------------------------------------------
  // Questions.
  const api = async (path: string): Promise<{ ms: number; status: number; body: unknown }> => {
    const t0 = performance.now();
    const res = await fetch(`${services.queryUrl}${path}`, { headers: { authorization: `Bearer ${readKey}` } });
    const text = await res.text();
    const ms = performance.now() - t0;
    return {
      ms,
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  };
  const ok = async <T>(path: string): Promise<T> => {
    const r = await api(path);
    if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body as T;
  };
  const byLabel = (l: string) => facts.find((f) => f.label === l)!;
  const A = byLabel('big-A');
  const B = byLabel('big-B');
  const from = new Date(MONTH_START).toISOString();
  // A sample of ordinary runs (spread over the month) and their steps, to rotate over.
  const ordinary = facts.filter((f) => !f.label);
  const sample = Array.from({ length: 20 }, (_, i) => ordinary[Math.floor(((i + 0.5) / 20) * ordinary.length)]!);
  const stepsOf = new Map<string, { stepId: string; name: string; eliminatedCount: number; inputCount: number }[]>();
  for (const f of [...sample, A, B])
    stepsOf.set(f.runId, (await ok<StepListResponse>(`/v1/runs/${f.runId}/steps`)).steps);
  const sampleSteps = sample.map((f, i) => stepsOf.get(f.runId)![i % f.steps.length]!);
  // An item in each sample run, and its decisions page's eventId.
  const sampleItems = sample.map((f) => {
    const spec = specs.find((s) => s.startMs === f.startMs && s.pipeline.name === f.pipeline)!;
    return itemName(spec.items[Math.floor(spec.items.length / 2)]!);
  });
  const eventIds: string[] = [];
  for (const st of sampleSteps)
    eventIds.push((await ok<DecisionListResponse>(`/v1/steps/${st.stepId}/decisions?limit=5`)).decisions[2]!.eventId);
  const poolItems = Array.from({ length: 20 }, (_, i) => itemName((i * 1237 + 11) % POOL));
  const enc = encodeURIComponent;

  interface Question {
    name: string;
    goal?: number;
    urls: string[];
    reps?: number;
  }
  const questions: Question[] = [
    {
      name: 'run list: pipeline + from, newest first',
      goal: 50,
      urls: PIPELINES.map((p) => `/v1/runs?pipeline=${p.name}&from=${enc(from)}&limit=50`),
    },
    {
      name: 'run list: pipeline, ratio >= 0.5, status ok, sort=ratio',
      goal: 50,
      urls: PIPELINES.map(
        (p) => `/v1/runs?pipeline=${p.name}&minEliminationRatio=0.5&status=ok&from=${enc(from)}&sort=ratio&limit=50`
      ),
    },
    { name: 'run list: all pipelines, sort=ratio', goal: 50, urls: [`/v1/runs?sort=ratio&limit=50`] },
    { name: 'one run', urls: sample.map((f) => `/v1/runs/${f.runId}`) },
    { name: 'step funnel (1-5k-decision run)', goal: 50, urls: sample.map((f) => `/v1/runs/${f.runId}/steps`) },
    { name: 'step funnel (50k-decision run)', goal: 50, urls: [A, B].map((f) => `/v1/runs/${f.runId}/steps`) },
    {
      name: 'step decisions page: outcome=eliminated',
      goal: 50,
      urls: sampleSteps.map((s) => `/v1/steps/${s.stepId}/decisions?outcome=eliminated&limit=50`),
    },
    {
      name: 'step decisions page: itemId',
      goal: 50,
      urls: sampleSteps.map((s, i) => `/v1/steps/${s.stepId}/decisions?itemId=${sampleItems[i]}`),
    },
    {
      name: 'step decisions page: 50k run step, eliminated',
      goal: 50,
      urls: stepsOf.get(A.runId)!.map((s) => `/v1/steps/${s.stepId}/decisions?outcome=eliminated&limit=50`),
    },
    {
      name: 'reason histogram (1-5k run step)',
      urls: sampleSteps.map((s) => `/v1/steps/${s.stepId}/reasons?outcome=eliminated`),
    },
    {
      name: 'reason histogram (50k run step)',
      urls: stepsOf.get(A.runId)!.map((s) => `/v1/steps/${s.stepId}/reasons`),
    },
    {
      name: 'item history in one run',
      goal: 50,
      urls: sample.map((f, i) => `/v1/runs/${f.runId}/items/${sampleItems[i]}`),
    },
    {
      name: 'item history across a month (limit 50)',
      goal: 300,
      urls: poolItems.map((it) => `/v1/items/${it}/runs?from=${enc(from)}`),
    },
    {
      name: 'item history across a month, pipeline, limit 1000',
      goal: 300,
      urls: poolItems.map(
        (it, i) => `/v1/items/${it}/runs?pipeline=${PIPELINES[i % PIPELINES.length]!.name}&from=${enc(from)}&limit=1000`
      ),
    },
    {
      name: 'run diff of two 50k runs (first page, 100)',
      goal: 1000,
      urls: [`/v1/runs/${A.runId}/diff/${B.runId}`],
      reps: Math.min(REPS, 15),
    },
    {
      name: 'run diff of two 50k runs (limit 1000)',
      goal: 1000,
      urls: [`/v1/runs/${A.runId}/diff/${B.runId}?limit=1000`],
      reps: Math.min(REPS, 15),
    },
    {
      name: 'trends by pipeline, 1h, 30 days',
      urls: [`/v1/trends?by=pipeline&interval=1h&from=${enc(from)}`],
      reps: Math.min(REPS, 15),
    },
    {
      name: 'trends by step of one pipeline, 1d, 30 days',
      urls: PIPELINES.map((p) => `/v1/trends?by=step&pipeline=${p.name}&interval=1d&from=${enc(from)}`),
      reps: Math.min(REPS, 15),
    },
    { name: "a decision's payload (row + S3)", urls: eventIds.map((e) => `/v1/decisions/${e}`) },
    { name: 'run payload (S3)', urls: sample.map((f) => `/v1/runs/${f.runId}/payload`) },
    { name: 'step payload (S3)', urls: sampleSteps.map((s) => `/v1/steps/${s.stepId}/payload`) },
  ];
  const results: { q: Question; med: number; p99: number; n: number }[] = [];
  for (const q of questions) {
    for (let i = 0; i < WARMUP; i++) await ok(q.urls[i % q.urls.length]!);
    const times: number[] = [];
    const reps = q.reps ?? REPS;
    for (let i = 0; i < reps; i++) {
      const r = await api(q.urls[i % q.urls.length]!);
      if (r.status !== 200)
        throw new Error(`${q.urls[i % q.urls.length]} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      times.push(r.ms);
    }
    results.push({ q, med: median(times), p99: percentile(times, 99), n: reps });
    log(`${q.name}: median ${median(times).toFixed(1)} ms`);
  }

  // -------------------------------------------------------------------------------------------
  // Correctness spot checks.
  const checks: { check: string; ok: boolean; detail: string }[] = [];
  const check = (name: string, pass: boolean, detail: string) => checks.push({ check: name, ok: pass, detail });
  check(
    'decisions stored = generated (FINAL, both tables)',
    Number(counts!.de) === generated && Number(counts!.idd) === generated,
    `generated ${generated}, decision_events ${counts!.de}, item_decisions ${counts!.idd}`
  );
  check('runs stored = generated', Number(counts!.runs) === facts.length, `${facts.length} / ${counts!.runs}`);
  // The diff: every flipped item, and only those, with the right sides.
  const diffItems: { itemId: string; a: unknown; b: unknown }[] = [];
  let cursor: string | null = null;
  let diffSteps: { name: string; eliminatedDelta: number }[] = [];
  do {
    const page: RunDiffResponse = await ok(
      `/v1/runs/${A.runId}/diff/${B.runId}?limit=1000${cursor ? `&cursor=${enc(cursor)}` : ''}`
    );
    diffItems.push(...page.items);
    diffSteps = page.steps;
    cursor = page.nextCursor;
  } while (cursor);
  const expectFlip = new Set([...flip].map(itemName));
  const sidesOk = diffItems.every((it) => {
    const n = Number(it.itemId.slice(4));
    return (
      expectFlip.has(it.itemId) && fate(bigA, n) >= 0 === (it.a !== null) && fate(bigB, n) >= 0 === (it.b !== null)
    );
  });
  check(
    'run diff: items whose fate changed = flipped by the generator',
    diffItems.length === flip.size && sidesOk,
    `${diffItems.length} items in the diff, ${flip.size} flipped; sides match the generator: ${sidesOk}`
  );
  const deltaOk = diffSteps.every((d) => {
    const a = A.steps.find((s) => s.name === d.name)!;
    const b = B.steps.find((s) => s.name === d.name)!;
    return d.eliminatedDelta === b.eliminated - a.eliminated;
  });
  check(
    'run diff: per-step eliminated deltas',
    deltaOk,
    diffSteps.map((d) => `${d.name} ${d.eliminatedDelta >= 0 ? '+' : ''}${d.eliminatedDelta}`).join(', ')
  );
  // Funnels of the sample runs.
  const funnelOk = [...sample, A, B].every((f) => {
    const got = stepsOf.get(f.runId)!;
    return (
      got.length === f.steps.length &&
      got.every((s, i) => s.inputCount === f.steps[i]!.input && s.eliminatedCount === f.steps[i]!.eliminated)
    );
  });
  check('step funnels of 22 runs = generator (input, eliminated per step)', funnelOk, '');
  // Reason histogram sums to the step's eliminated count.
  const st0 = stepsOf.get(A.runId)![1]!;
  const hist = await ok<ReasonHistogramResponse>(`/v1/steps/${st0.stepId}/reasons?outcome=eliminated&limit=100`);
  const histSum = hist.reasons.reduce((n, r) => n + r.decisions, 0);
  check(
    "reason histogram (eliminated) sums to the step's eliminated count",
    histSum === st0.eliminatedCount,
    `${st0.name} of the 50k run: ${histSum} / ${st0.eliminatedCount}, ${hist.reasons.length} reasons`
  );
  // Item histories.
  for (const t of tracked) {
    const want = trackedHistory.get(t)!;
    const got: ItemRunsResponse['runs'] = [];
    let c: string | null = null;
    do {
      const page: ItemRunsResponse = await ok(
        `/v1/items/${itemName(t)}/runs?from=${enc(new Date(MONTH_START - DAY_MS).toISOString())}&limit=1000${c ? `&cursor=${enc(c)}` : ''}`
      );
      got.push(...page.runs);
      c = page.nextCursor;
    } while (c);
    const same =
      got.length === want.size &&
      got.every((r) => {
        const w = want.get(r.runId);
        return w !== undefined && (r.eliminatedAt?.stepName ?? null) === w.eliminatedAt && r.decisions === w.decisions;
      });
    check(
      `item history across the month: ${itemName(t)}`,
      same,
      `${got.length} runs returned, generator: ${want.size}; eliminated in ${[...want.values()].filter((w) => w.eliminatedAt).length}`
    );
    // One run where it was eliminated and one where it survived.
    for (const eliminated of [true, false]) {
      const entry = [...want.entries()].find(([, w]) => (w.eliminatedAt !== null) === eliminated);
      if (!entry) continue;
      const [runId, w] = entry;
      const one = await ok<ItemInRunResponse>(`/v1/runs/${runId}/items/${itemName(t)}`);
      check(
        `item history in one run: ${itemName(t)}`,
        one.decisions.length === w.decisions && (one.eliminatedAt?.stepName ?? null) === w.eliminatedAt,
        `${one.decisions.length} decisions, eliminated at ${one.eliminatedAt?.stepName ?? 'none'}; generator: ${w.decisions}, ${w.eliminatedAt ?? 'none'}`
      );
    }
  }
  const dec = await ok<DecisionDetail>(`/v1/decisions/${eventIds[0]}`);
  check(
    'decision payload from S3 has its input',
    typeof dec.input === 'object' && dec.input !== null && (dec.input as { id?: unknown }).id === dec.itemId,
    JSON.stringify(dec.input)
  );

  // -------------------------------------------------------------------------------------------
  // Storage.
  const parts = await (
    await ch.query({
      query: `SELECT table, sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS raw, sum(rows) AS rows, count() AS parts FROM system.parts WHERE database = currentDatabase() AND active GROUP BY table ORDER BY table`,
      format: 'JSONEachRow',
    })
  ).json<{ table: string; bytes: string; raw: string; rows: string; parts: string }>();
  const s3 = await s3Usage(stack);
  // Last: it removes the oldest day.
  const expiry = await measureExpiry(stack, ch, projectId, DEFAULT_RETENTION_DAYS);

  // -------------------------------------------------------------------------------------------
  // Report.
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
    return `${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`;
  };
  process.stdout.write(
    `\nquestions through the HTTP API (read key; ${WARMUP} warm-up calls, then repetitions rotating over the URLs listed; one call at a time) — scale ${SCALE}, ${generated.toLocaleString('en-US')} decisions stored\n`
  );
  process.stdout.write(
    table(
      ['question', 'urls', 'reps', 'median ms', 'p99 ms (nearest rank)', 'goal (median)', 'verdict'],
      results.map((r) => [
        r.q.name,
        String(r.q.urls.length),
        String(r.n),
        r.med.toFixed(1),
        r.p99.toFixed(1),
        r.q.goal ? `<= ${r.q.goal} ms` : '—',
        r.q.goal ? (r.med <= r.q.goal ? 'met' : 'NOT met') : '—',
      ])
    )
  );
  process.stdout.write('\ncorrectness spot checks\n');
  process.stdout.write(
    table(
      ['check', 'result', 'detail'],
      checks.map((c) => [c.check, c.ok ? 'ok' : 'FAILED', c.detail])
    )
  );
  const bytesOf = (t: string) => Number(parts.find((p) => p.table === t)?.bytes ?? 0);
  const total = parts.reduce((n, p) => n + Number(p.bytes), 0);
  process.stdout.write(
    `\nClickHouse storage (system.parts, active parts; per decision = bytes / ${generated.toLocaleString('en-US')} decisions)\n`
  );
  process.stdout.write(
    table(
      ['table', 'rows', 'parts', 'bytes on disk', 'uncompressed', 'bytes per decision'],
      [
        ...parts.map((p) => [
          p.table,
          Number(p.rows).toLocaleString('en-US'),
          String(p.parts),
          `${(Number(p.bytes) / 1e6).toFixed(1)} MB`,
          `${(Number(p.raw) / 1e6).toFixed(1)} MB`,
          (Number(p.bytes) / generated).toFixed(1),
        ]),
        [
          'decision_events + item_decisions',
          '',
          '',
          `${((bytesOf('decision_events') + bytesOf('item_decisions')) / 1e6).toFixed(1)} MB`,
          '',
          ((bytesOf('decision_events') + bytesOf('item_decisions')) / generated).toFixed(1),
        ],
        ['all tables', '', '', `${(total / 1e6).toFixed(1)} MB`, '', (total / generated).toFixed(1)],
      ]
    )
  );
  const s3Total = s3.bytes + s3.valueBytes;
  process.stdout.write(
    `S3 payloads (every object listed, run, step and decision payloads together): ${s3.objects.toLocaleString('en-US')} span objects ${(s3.bytes / 1e6).toFixed(1)} MB + ` +
      `${s3.values.toLocaleString('en-US')} content-addressed values ${(s3.valueBytes / 1e6).toFixed(1)} MB = ${(s3Total / generated).toFixed(1)} B per decision (goal <= 40)\n`
  );
  const e = expiry;
  process.stdout.write(
    `\nexpiring one day (${e.day}, the oldest, ${DEFAULT_RETENTION_DAYS}-day retention) as the TTL and the janitor do: ` +
      `${e.rows.toLocaleString('en-US')} rows removed by rewriting the ${e.parts} parts that held them (what a TTL merge does) in ${e.dropSeconds.toFixed(2)} s; ` +
      `${e.objects.toLocaleString('en-US')} S3 objects deleted in ${e.objectSeconds.toFixed(2)} s (${Math.round(e.objects / e.objectSeconds).toLocaleString('en-US')} objects/s, DeleteObjects of up to 1,000 keys); ` +
      `CPU ${e.clickhouseCpuSeconds.toFixed(2)} s in ClickHouse, ${e.callerCpuSeconds.toFixed(2)} s in the caller. ` +
      `Left of that day: ${e.leftRows} rows, ${e.leftObjects} objects (${e.leftRows + e.leftObjects === 0 ? 'ok' : 'FAILED'}); ` +
      `next day ${e.nextDayRows[0].toLocaleString('en-US')} rows before, ${e.nextDayRows[1].toLocaleString('en-US')} after (${e.nextDayRows[0] === e.nextDayRows[1] ? 'ok' : 'FAILED'})\n`
  );
  process.stdout.write(
    `\nshape: ${PIPELINES.map((p) => `${p.name} (${p.steps.length} steps)`).join(', ')}; runs of 400-2,000 input items (1-5k decisions), every item decided at each step it enters; ` +
      `items drawn from ${POOL.toLocaleString('en-US')} shared ids; decision input {id, title, price}, reason code + text, score; 2% of runs status error. ` +
      `Load: SDK (capture full, exporting to memory) -> OTLP/protobuf bodies of ${SPANS_PER_REQUEST} spans -> queue message v2 XADD (as the receiver enqueues) -> ${PROCESSORS} real processor process(es) (PROCESSOR_BATCH_ENTRIES 12) -> s3rver + embedded chDB; ` +
      `at most ${MAX_BACKLOG} entries unacknowledged. Queries measured right after the load (background merges may still run).\n`
  );
} finally {
  await ch.close().catch(() => undefined);
  await stack.close();
  // The stream goes once no processor reads it (while Redis runs: the benchmark may have started it).
  await redis.del(settings.stream, `${settings.stream}:dead`).catch(() => undefined);
  redis.disconnect();
}

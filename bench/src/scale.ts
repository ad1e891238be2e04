#!/usr/bin/env node
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@clickhouse/client';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { DEFAULT_CONSUMER_GROUP } from '@xray/core/ingest';
import { decodeOtlpProtobuf } from '@xray/core/otlp';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { freePort, type ServiceProcess, waitForHttp } from '@xray/stack';
import { Redis } from 'ioredis';
import { type BodyTemplate, locate, patchBody, requestIds, saveTemplate, tagPrefix } from './scale-body.js';
import { log, median, startBenchStack } from './util.js';

// `npm run bench:scale`: 1, 2 and 3 processors in one consumer group under the same sustained
// load. A load generator in its own process (src/scale-load.ts) sends OTLP/protobuf requests to the
// receiver at a steady rate for a fixed time; we report rows per second stored in ClickHouse while
// it runs, the processing lag, the backlog left when it stops, and — after the backlog drains —
// that every decision sent is stored (FINAL counts). Repetitions interleave 1/2/3 (rotated order),
// medians reported, and the CPU each process used is read from /proc so the figures can be put per
// CPU-second and the question "where did the time go" answered. XRAY_BENCH_SCALE multiplies the
// load duration; XRAY_BENCH_RATE (decisions/s) replaces the calibrated rate.

const SCALE = Number(process.env.XRAY_BENCH_SCALE ?? 1);
const SECONDS = Math.max(3, Math.round(15 * SCALE));
const REPS = 3;
const CONFIGS = [1, 2, 3] as const;
const DECISIONS = 1000; // per request: one run span, one step span with 1,000 decisions (SDK, full capture)
const GROUP = DEFAULT_CONSUMER_GROUP;
const MAX_IN_FLIGHT = 16;
const SAMPLE_MS = 250;
/**
 * Offered load = this x one processor's throughput measured at start under ingest (see calibrate):
 * one processor is saturated, and 2-3 have 25% headroom to show a gain, if the machine has any.
 */
const LOAD_FACTOR = 1.25;
/** Calibration load (requests/s of 1,000 decisions) and duration: one processor, ingest running. */
const CALIBRATION_RATE = 80;
const CALIBRATION_SECONDS = 8;
const DRAIN_TIMEOUT_MS = 120_000;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// ---------------------------------------------------------------------------------------------
// The request template: the SDK's own encoding of a 1,000-decision step.

async function buildTemplate(): Promise<BodyTemplate> {
  const memory = new InMemorySpanExporter();
  const xray = new XRay({ exporter: memory, capture: 'full' });
  const items = Array.from({ length: DECISIONS }, (_, i) => ({
    id: `item-${i}`,
    title: `Item number ${i}`,
    score: (i % 100) / 100,
  }));
  const runId = await xray.startRun('scale', items);
  await xray.step(
    runId,
    XRStepType.FILTER,
    'filter',
    (input: typeof items) =>
      input.map((it) => ({
        itemId: it.id,
        outcome: it.score >= 0.3 ? KEPT : ELIMINATED,
        reason: it.score >= 0.3 ? 'ok' : `Score ${it.score} below 0.3`,
        score: it.score,
        input: it,
      })),
    items
  );
  await xray.endRun(runId, undefined);
  await xray.flush();
  const spans = memory.getFinishedSpans();
  await xray.shutdown();
  const step = spans.find((s) => s.events.length > 0);
  const run = spans.find((s) => s !== step);
  if (spans.length !== 2 || !step || !run || step.events.length !== DECISIONS)
    throw new Error(
      `template: expected a run span and a step span of ${DECISIONS} decisions, got ${spans.length} spans`
    );
  const ns = (t: readonly [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const offsets = locate(body, {
    traceId: run.spanContext().traceId,
    stepSpanId: step.spanContext().spanId,
    runSpanId: run.spanContext().spanId,
    times: [ns(run.startTime), ns(run.endTime), ns(step.startTime), ns(step.endTime)],
  });
  const template: BodyTemplate = { body, offsets, decisions: DECISIONS, steps: 1, runs: 1 };
  // Self-check: a patched copy decodes (with the receiver's decoder) to the ids and time we wrote.
  const now = Date.now();
  const decoded = decodeOtlpProtobuf(patchBody(template, 0xabcdef01, 7, now));
  const ids = requestIds(0xabcdef01, 7);
  if (!decoded.ok) throw new Error(`template: patched body does not decode: ${decoded.error}`);
  const d = decoded.value.spans;
  const dStep = d.find((s) => s.events.length > 0);
  if (
    d.length !== 2 ||
    dStep?.events.length !== DECISIONS ||
    d.some((s) => s.traceId !== ids.trace.toString('hex') || s.endTimeUnixNano !== `${now}000000`) ||
    dStep.spanId !== ids.step.toString('hex') ||
    dStep.parentSpanId !== ids.runSpan.toString('hex') ||
    dStep.attributes['xray.step.id'] !== ids.step.toString('hex') ||
    dStep.attributes['xray.run.id'] !== ids.trace.toString('hex')
  ) {
    throw new Error('template: a patched body does not carry the ids and times written into it');
  }
  return template;
}

// ---------------------------------------------------------------------------------------------
// Measuring: processes' CPU from /proc, processors' counters from /stats, the stream's backlog.

/** CPU-seconds (user + system, all threads) a process has used; NaN when /proc cannot tell. */
function processCpu(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU-seconds the whole machine spent busy (all cores; not idle, not waiting for I/O). */
function machineBusy(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return (v.reduce((a, b) => a + b, 0) - v[3]! - v[4]!) / CLK_TCK;
  } catch {
    return NaN;
  }
}

interface ProcessorStats {
  runs: number;
  steps: number;
  decisions: number;
  writes: number;
  writeMillisTotal: number;
}

async function processorStats(urls: readonly string[]): Promise<ProcessorStats> {
  const all = await Promise.all(urls.map(async (u) => (await (await fetch(`${u}/stats`)).json()) as ProcessorStats));
  const sum = (k: keyof ProcessorStats) => all.reduce((n, s) => n + Number(s[k] ?? 0), 0);
  return {
    runs: sum('runs'),
    steps: sum('steps'),
    decisions: sum('decisions'),
    writes: sum('writes'),
    writeMillisTotal: sum('writeMillisTotal'),
  };
}

function fields(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

const idMillis = (id: string) => Number(id.split('-', 1)[0]);

interface Backlog {
  /** Entries not yet delivered to the group (the processor's `queue_lag`). */
  lag: number;
  /** Entries delivered and not yet acknowledged (`queue_pending`). */
  pending: number;
  /** Age of the oldest entry not yet acknowledged, ms (0 when there is none). */
  oldestMs: number;
}

/**
 * The group's backlog. Entries are delivered in id order, so the oldest unacknowledged entry is the
 * oldest pending one, or else the first undelivered one; its id is the time Redis added it.
 */
async function backlog(redis: Redis, stream: string): Promise<Backlog> {
  const group = ((await redis.xinfo('GROUPS', stream)) as unknown[][]).map(fields).find((g) => g.name === GROUP);
  if (!group) return { lag: 0, pending: 0, oldestMs: 0 };
  const lag = group.lag === null || group.lag === undefined ? NaN : Number(group.lag);
  const pending = Number(group.pending ?? 0);
  let oldest: string | undefined;
  if (pending > 0) oldest = ((await redis.xpending(stream, GROUP)) as [number, string | null])[1] ?? undefined;
  else if (lag > 0 || Number.isNaN(lag)) {
    const next = (await redis.xrange(stream, `(${String(group['last-delivered-id'])}`, '+', 'COUNT', 1))[0];
    oldest = next?.[0];
  }
  return { lag, pending, oldestMs: oldest ? Math.max(0, Date.now() - idMillis(oldest)) : 0 };
}

/** Samples the backlog every SAMPLE_MS until stopped; keeps the largest age of the oldest unacknowledged entry. */
function sampleBacklog(redis: Redis, stream: string): { stop(): Promise<{ maxOldestMs: number; samples: number }> } {
  let running = true;
  let maxOldestMs = 0;
  let samples = 0;
  const loop = (async () => {
    while (running) {
      const b = await backlog(redis, stream).catch(() => undefined);
      if (b) {
        samples++;
        maxOldestMs = Math.max(maxOldestMs, b.oldestMs);
      }
      await sleep(SAMPLE_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { maxOldestMs, samples };
    },
  };
}

async function drained(redis: Redis, stream: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const b = await backlog(redis, stream);
    if (b.lag === 0 && b.pending === 0) return true;
    await sleep(100);
  }
  return false;
}

interface LoadResult {
  requested: number;
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  statuses: Record<string, number>;
  bytes: number;
  sendingSeconds: number;
  seconds: number;
  responseMs: { p50: number; p99: number };
  cpuSeconds: number;
}

/** Starts the load generator process; it begins sending at `startAt` (epoch ms). */
function startLoad(o: {
  url: string;
  dir: string;
  tag: number;
  rate: number;
  seconds: number;
  startAt: number;
  maxInFlight?: number;
  authorization?: string;
}): { child: ChildProcess; result: Promise<LoadResult> } {
  const args = [
    fileURLToPath(new URL('./scale-load.js', import.meta.url)),
    ...[
      '--url',
      o.url,
      '--template',
      o.dir,
      '--tag',
      String(o.tag),
      '--rate',
      String(o.rate),
      '--seconds',
      String(o.seconds),
    ],
    ...['--start-at', String(o.startAt), '--max-in-flight', String(o.maxInFlight ?? MAX_IN_FLIGHT)],
  ];
  // The key travels in the environment, not on the command line (where `ps` shows it).
  const env = { ...process.env, ...(o.authorization ? { XRAY_LOAD_AUTHORIZATION: o.authorization } : {}) };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const result = new Promise<LoadResult>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))
    )
  );
  result.catch(() => undefined); // awaited by the caller; killed on an error path, nobody awaits it
  return { child, result };
}

// ---------------------------------------------------------------------------------------------

const loadBefore = loadavg()[0]!;
process.stdout.write(
  `X-Ray scale-out benchmark — starting (load ${SECONDS} s per measurement, ${REPS} repetitions of 1/2/3 processors)\n`
);
const template = await buildTemplate();
const dir = mkdtempSync(join(tmpdir(), 'xray-bench-scale-template-'));
saveTemplate(dir, template);
const stack = await startBenchStack('scale').catch((err: unknown) => {
  rmSync(dir, { recursive: true, force: true });
  throw err;
});
const { services, storage, settings } = stack;
// Auth (when the stack has it): the ingest key on every request, its project in the counts.
const keys = (services as unknown as { keys?: { projectId: string; ingestKey: string; readKey: string } }).keys;
const projectId = keys?.projectId ?? settings.projectId;
const authorization = keys ? `Bearer ${keys.ingestKey}` : undefined;
const redis = new Redis(settings.redisUrl);
const ch = createClient({ url: storage.clickhouseUrl, database: settings.database });
const ingestUrl = `${services.receiverUrl}/v1/traces`;
const tagBase = randomInt(0x10000000, 0x7fffffff);
let tags = 0;
let procs = 0;

const redisLocal = ['127.0.0.1', 'localhost'].includes(new URL(settings.redisUrl).hostname);
let redisPid: number | undefined;

async function redisCpu(): Promise<number> {
  // INFO cpu works for a remote Redis too; /proc would count the same thing for a local one.
  const text = String(await redis.info('cpu'));
  const get = (k: string) => Number(new RegExp(`^${k}:(\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return get('used_cpu_user') + get('used_cpu_sys');
}

async function chQuery<T>(query: string, params: Record<string, string>): Promise<T[]> {
  return await (await ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** What one run stored, by FINAL counts, and each step's lag (sent -> its row stored). */
async function stored(
  tag: number
): Promise<{ runs: number; steps: number; decisions: number; lagP50: number; lagP99: number; lagMax: number }> {
  const p = { p: projectId, t: tagPrefix(tag) };
  const [d] = await chQuery<{ c: string }>(
    'SELECT count() c FROM decision_events FINAL WHERE project_id = {p:String} AND startsWith(step_id, {t:String})',
    p
  );
  const [r] = await chQuery<{ c: string }>(
    'SELECT count() c FROM runs FINAL WHERE project_id = {p:String} AND startsWith(run_id, {t:String})',
    p
  );
  const [s] = await chQuery<{ c: string; p50: number; p99: number; mx: number }>(
    `SELECT count() c, quantileExact(0.5)(d) p50, quantileExact(0.99)(d) p99, max(d) mx
       FROM (SELECT toUnixTimestamp64Milli(ingested_at) - toUnixTimestamp64Milli(ended_at) AS d
               FROM steps FINAL WHERE project_id = {p:String} AND startsWith(run_id, {t:String}))`,
    p
  );
  return {
    runs: Number(r!.c),
    steps: Number(s!.c),
    decisions: Number(d!.c),
    lagP50: Number(s!.p50),
    lagP99: Number(s!.p99),
    lagMax: Number(s!.mx),
  };
}

interface Snapshot {
  at: number;
  stats: ProcessorStats;
  cpu: Record<string, number>;
  events: ClickHouseEvents;
}

/** ClickHouse's own counters (system.events): inserts, the time they took, background merges. */
interface ClickHouseEvents {
  InsertQuery: number;
  InsertQueryTimeMicroseconds: number;
  Merge: number;
  MergesTimeMilliseconds: number;
}
const CH_EVENTS = ['InsertQuery', 'InsertQueryTimeMicroseconds', 'Merge', 'MergesTimeMilliseconds'] as const;

async function clickhouseEvents(): Promise<ClickHouseEvents> {
  const rows = await chQuery<{ event: string; value: string }>(
    `SELECT event, value FROM system.events WHERE event IN (${CH_EVENTS.map((e) => `'${e}'`).join(', ')})`,
    {}
  ).catch(() => []);
  const out = Object.fromEntries(CH_EVENTS.map((e) => [e, 0])) as unknown as ClickHouseEvents;
  for (const r of rows) out[r.event as keyof ClickHouseEvents] = Number(r.value);
  return out;
}

const CPU_PARTS = ['processors', 'clickhouse', 'receiver', 'redis', 's3', 'query', 'load', 'bench', 'machine'] as const;
type CpuPart = (typeof CPU_PARTS)[number];

async function snapshot(
  processors: readonly { url: string; pid: number | undefined }[],
  loadPid: number | undefined
): Promise<Snapshot> {
  const byName = (name: string) => storage.processes.find((p) => p.name === name)?.child.pid;
  const self = process.cpuUsage();
  const cpu: Record<CpuPart, number> = {
    processors: processors.reduce((n, p) => n + processCpu(p.pid), 0),
    clickhouse: processCpu(byName('clickhouse')),
    receiver: processCpu(services.processes.receiver.child.pid),
    redis: redisLocal ? processCpu(redisPid) : await redisCpu(),
    s3: processCpu(byName('s3')),
    query: processCpu(services.processes.query.child.pid),
    load: processCpu(loadPid),
    bench: (self.user + self.system) / 1e6,
    machine: machineBusy(),
  };
  const at = Date.now();
  const [stats, events] = await Promise.all([processorStats(processors.map((p) => p.url)), clickhouseEvents()]);
  return { at, stats, cpu, events };
}

interface RunResult {
  rep: number;
  processors: number;
  offered: number; // decisions/s
  achieved: number; // decisions/s accepted (200) by the receiver
  storedRowsPerSecond: number; // rows (runs + steps + decisions) stored during the load window
  storedDecisionsPerSecond: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  maxOldestS: number;
  backlogEntries: number;
  drainSeconds: number;
  drainedOk: boolean;
  sentDecisions: number;
  storedDecisions: number;
  lostDecisions: number;
  rowsMismatch: string;
  failedRequests: number;
  skippedRequests: number;
  responseP99: number;
  cores: Record<CpuPart | 'other', number>; // CPU-seconds per wall second during the load window
  writesPerSecond: number;
  rowsPerWrite: number;
  writeMs: number;
  mbPerSecond: number;
  /** ClickHouse, per second of the load window: inserts, the share of time spent inserting (the embedded server runs one query at a time), merges. */
  chInsertsPerSecond: number;
  chInsertBusy: number;
  chInsertMs: number;
  chMergesPerSecond: number;
}

/** Starts `n` extra processors in the group and waits until each answers. */
async function addProcessors(n: number): Promise<{ url: string; pid: number | undefined; process: ServiceProcess }[]> {
  const out = await Promise.all(
    Array.from({ length: n }, async () => {
      const port = await freePort();
      const p = services.addProcessor(`scale-processor-${++procs}`, port);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`, 60_000, p);
      return { url, pid: p.child.pid, process: p };
    })
  );
  return out;
}

/** One measurement: `n` processors, load at `rate` requests/s for `seconds`, then drain and count. */
async function measure(n: number, rate: number, seconds: number): Promise<RunResult> {
  const extra = await addProcessors(n - 1);
  try {
    const processors = [{ url: services.processorUrl, pid: services.processes.processor.child.pid }, ...extra];
    const tag = tagBase + ++tags;
    const startAt = Date.now() + 1500;
    const load = startLoad({ url: ingestUrl, dir, tag, rate, seconds, startAt, authorization });
    const sampler = sampleBacklog(redis, settings.stream);
    try {
      await sleep(startAt - Date.now());
      const a = await snapshot(processors, load.child.pid);
      await sleep(startAt + seconds * 1000 - Date.now());
      const b = await snapshot(processors, load.child.pid);
      const end = await backlog(redis, settings.stream);
      const sent = await load.result;
      const drainStart = Date.now();
      const drainedOk = await drained(redis, settings.stream, DRAIN_TIMEOUT_MS);
      const drainSeconds = (Date.now() - drainStart) / 1000;
      const { maxOldestMs } = await sampler.stop();
      const rows = await stored(tag);

      const wall = (b.at - a.at) / 1000;
      const rowsOf = (s: ProcessorStats) => s.runs + s.steps + s.decisions;
      const cores = Object.fromEntries(CPU_PARTS.map((k) => [k, (b.cpu[k]! - a.cpu[k]!) / wall])) as Record<
        CpuPart,
        number
      >;
      const known = CPU_PARTS.filter((k) => k !== 'machine').reduce(
        (n, k) => n + (Number.isNaN(cores[k]) ? 0 : cores[k]),
        0
      );
      const writes = b.stats.writes - a.stats.writes;
      const sentDecisions = sent.ok * template.decisions;
      return {
        rep: 0,
        processors: n,
        offered: rate * template.decisions,
        achieved: (sent.ok * template.decisions) / sent.sendingSeconds,
        storedRowsPerSecond: (rowsOf(b.stats) - rowsOf(a.stats)) / wall,
        storedDecisionsPerSecond: (b.stats.decisions - a.stats.decisions) / wall,
        lagP50: rows.lagP50,
        lagP99: rows.lagP99,
        lagMax: rows.lagMax,
        maxOldestS: maxOldestMs / 1000,
        backlogEntries: (Number.isNaN(end.lag) ? 0 : end.lag) + end.pending,
        drainSeconds,
        drainedOk,
        sentDecisions,
        storedDecisions: rows.decisions,
        lostDecisions: sentDecisions - rows.decisions,
        rowsMismatch:
          rows.runs !== sent.ok || rows.steps !== sent.ok
            ? `runs ${rows.runs}/${sent.ok}, steps ${rows.steps}/${sent.ok}`
            : '',
        failedRequests: sent.failed,
        skippedRequests: sent.skipped,
        responseP99: sent.responseMs.p99,
        cores: { ...cores, other: cores.machine - known },
        writesPerSecond: writes / wall,
        rowsPerWrite: writes > 0 ? (rowsOf(b.stats) - rowsOf(a.stats)) / writes : NaN,
        writeMs: writes > 0 ? (b.stats.writeMillisTotal - a.stats.writeMillisTotal) / writes : NaN,
        mbPerSecond: sent.bytes / sent.sendingSeconds / 1e6,
        chInsertsPerSecond: (b.events.InsertQuery - a.events.InsertQuery) / wall,
        chInsertBusy: (b.events.InsertQueryTimeMicroseconds - a.events.InsertQueryTimeMicroseconds) / 1e6 / wall,
        chInsertMs:
          (b.events.InsertQueryTimeMicroseconds - a.events.InsertQueryTimeMicroseconds) /
          1000 /
          Math.max(1, b.events.InsertQuery - a.events.InsertQuery),
        chMergesPerSecond: (b.events.Merge - a.events.Merge) / wall,
      };
    } finally {
      // On the way out after an error: no sampler left polling, no load generator left sending.
      await sampler.stop();
      if (load.child.exitCode === null && load.child.signalCode === null) load.child.kill();
    }
  } finally {
    await Promise.all(extra.map((p) => p.process.stop()));
  }
}

/**
 * One processor's throughput while ingest runs: the receiver is offered CALIBRATION_RATE requests/s
 * (more than one processor keeps up with on these machines) for CALIBRATION_SECONDS, and the rate at
 * which the processor stores decisions is read from its counters between the first and the last
 * batch it completes after a warm-up second (so batch boundaries do not skew it). Then it drains.
 */
async function calibrate(): Promise<{ decisionsPerSecond: number; offered: number; keptUp: boolean }> {
  const processors = [services.processorUrl];
  const tag = tagBase + ++tags;
  const startAt = Date.now() + 1000;
  const load = startLoad({
    url: ingestUrl,
    dir,
    tag,
    rate: CALIBRATION_RATE,
    seconds: CALIBRATION_SECONDS,
    startAt,
    authorization,
  });
  const changes: { t: number; v: number }[] = [];
  let last = NaN;
  await sleep(startAt + 1500 - Date.now());
  while (Date.now() < startAt + CALIBRATION_SECONDS * 1000) {
    const { decisions } = await processorStats(processors);
    if (decisions !== last) changes.push({ t: Date.now(), v: decisions });
    last = decisions;
    await sleep(100);
  }
  const sent = await load.result;
  if (!(await drained(redis, settings.stream, DRAIN_TIMEOUT_MS)))
    throw new Error('calibration: the backlog did not drain');
  const rows = await stored(tag);
  if (rows.decisions !== sent.ok * template.decisions)
    log(`calibration: sent ${sent.ok * template.decisions} decisions, stored ${rows.decisions}`);
  const first = changes[1]; // changes[0] is the counter's value when sampling began
  const end = changes.at(-1);
  const offered = (sent.ok * template.decisions) / sent.sendingSeconds;
  const decisionsPerSecond = first && end && end.t > first.t ? ((end.v - first.v) * 1000) / (end.t - first.t) : NaN;
  if (Number.isNaN(decisionsPerSecond))
    throw new Error('calibration: the processor completed too few batches to measure its rate');
  return { decisionsPerSecond, offered, keptUp: decisionsPerSecond >= 0.9 * offered };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`;
}

const k = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const f1 = (n: number) => (Number.isNaN(n) ? '?' : n.toFixed(2));

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}

try {
  const redisInfo = fields(
    String(await redis.info('server'))
      .split(/\r?\n/)
      .flatMap((l) => (l.includes(':') ? [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] : []))
  );
  const aof = ((await redis.config('GET', 'appendonly')) as string[])[1] ?? '?';
  redisPid = redisLocal ? Number(redisInfo.process_id) : undefined;
  const clickhouseVersion = await (
    await fetch(`${storage.clickhouseUrl}/?query=${encodeURIComponent('SELECT version()')}`)
  ).text();
  log('warm-up ...');
  await measure(1, 20, 3);
  const fixed = Number(process.env.XRAY_BENCH_RATE ?? 0);
  const calibrations: string[] = [];
  const results: RunResult[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    // Calibrated again in every repetition: what else runs on a shared machine changes over minutes.
    let offered = fixed;
    if (!(fixed > 0)) {
      log(
        `repetition ${rep + 1}/${REPS}: calibration, one processor under ${CALIBRATION_RATE}k decisions/s for ${CALIBRATION_SECONDS} s ...`
      );
      const cal = await calibrate();
      log(
        `  offered ${k(cal.offered)} decisions/s, one processor stored ${k(cal.decisionsPerSecond)} decisions/s${cal.keptUp ? ' (it kept up: the calibration rate is below its capacity)' : ''}`
      );
      calibrations.push(`${k(cal.decisionsPerSecond)}${cal.keptUp ? ' (kept up)' : ''}`);
      offered = LOAD_FACTOR * cal.decisionsPerSecond;
    }
    const rate = Math.max(1, Math.round((offered / DECISIONS) * 10) / 10); // requests/s
    const order = CONFIGS.map((_, i) => CONFIGS[(i + rep) % CONFIGS.length]!);
    for (const n of order) {
      log(
        `repetition ${rep + 1}/${REPS}: ${n} processor(s), ${rate} requests/s x ${DECISIONS} decisions for ${SECONDS} s ...`
      );
      const r = { ...(await measure(n, rate, SECONDS)), rep };
      results.push(r);
      log(
        `  achieved ${k(r.achieved)} dec/s, stored ${k(r.storedRowsPerSecond)} rows/s, lag p50/p99 ${r.lagP50}/${r.lagP99} ms, oldest ${r.maxOldestS.toFixed(1)} s, ` +
          `backlog ${r.backlogEntries}, drained in ${r.drainSeconds.toFixed(1)} s, lost ${r.lostDecisions}${r.rowsMismatch ? ` (${r.rowsMismatch})` : ''}; ` +
          `cores: proc ${f1(r.cores.processors)} ch ${f1(r.cores.clickhouse)} recv ${f1(r.cores.receiver)} other ${f1(r.cores.other)} busy ${f1(r.cores.machine)}`
      );
    }
  }

  const of = (n: number) => results.filter((r) => r.processors === n);
  const med = (n: number, f: (r: RunResult) => number) => median(of(n).map(f));
  // Each configuration against 1 processor in the same repetition (same offered rate, minutes apart at most).
  const vsOne = (n: number) =>
    median(
      of(n).map(
        (r) => r.storedRowsPerSecond / results.find((b) => b.processors === 1 && b.rep === r.rep)!.storedRowsPerSecond
      )
    );
  process.stdout.write(
    `\nnode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ClickHouse ${clickhouseVersion.trim()} (chDB ${packageVersion('chdb')}, embedded), ` +
      `Redis ${String(redisInfo.redis_version)} (AOF ${aof}), @clickhouse/client ${packageVersion('@clickhouse/client')}, ioredis ${packageVersion('ioredis')}, ` +
      `@hono/node-server ${packageVersion('@hono/node-server')}\n` +
      `load: requests of ${DECISIONS} decisions (OTLP/protobuf, ${(template.body.length / 1024).toFixed(0)} KiB, no gzip, one run + one step span each), ` +
      `${SECONDS} s per measurement, ${REPS} repetitions interleaved (order rotated), medians; ` +
      `${fixed > 0 ? 'rate set by XRAY_BENCH_RATE' : `rate per repetition = ${LOAD_FACTOR} x what one processor stored per second under ${CALIBRATION_RATE}k decisions/s of ingest, measured at the start of that repetition: ${calibrations.join(', ')} decisions/s`}` +
      `${authorization ? '; ingest key sent' : ''}\n` +
      `machine load average (1 min) just before the benchmark started: ${loadBefore.toFixed(2)} (other work on the machine shows in the "other" column)\n\n`
  );
  const us = (cpu: number, rows: number) => (rows > 0 ? ((cpu * 1e6) / rows).toFixed(1) : '?');
  process.stdout.write(
    table(
      [
        'processors',
        'offered dec/s',
        'achieved dec/s',
        'stored rows/s',
        'vs 1 proc',
        'rows/(proc+CH) CPU-s',
        'lag p50 / p99 ms',
        'oldest unacked max s',
        'backlog at end',
        'drain s',
        'lost',
      ],
      CONFIGS.map((n) => [
        String(n),
        k(med(n, (r) => r.offered)),
        k(med(n, (r) => r.achieved)),
        k(med(n, (r) => r.storedRowsPerSecond)),
        `${vsOne(n).toFixed(2)}x`,
        k(med(n, (r) => r.storedRowsPerSecond / (r.cores.processors + r.cores.clickhouse))),
        `${med(n, (r) => r.lagP50).toFixed(0)} / ${med(n, (r) => r.lagP99).toFixed(0)}`,
        med(n, (r) => r.maxOldestS).toFixed(1),
        `${med(n, (r) => r.backlogEntries).toFixed(0)} entries`,
        med(n, (r) => r.drainSeconds).toFixed(1),
        `${of(n).reduce((s, r) => s + r.lostDecisions, 0)}${of(n).some((r) => r.rowsMismatch || !r.drainedOk) ? ' (!)' : ''}`,
      ])
    )
  );
  process.stdout.write(
    '\nwhere the CPU went during the load window (cores = CPU-seconds per second of wall time, medians; 2.00 = both cores):\n'
  );
  process.stdout.write(
    table(
      [
        'processors',
        'machine busy',
        'processors',
        'clickhouse',
        'receiver',
        's3',
        'redis',
        'load gen',
        'other',
        'processor µs/row',
        'ClickHouse µs/row',
      ],
      CONFIGS.map((n) => [
        String(n),
        f1(med(n, (r) => r.cores.machine)),
        f1(med(n, (r) => r.cores.processors)),
        f1(med(n, (r) => r.cores.clickhouse)),
        f1(med(n, (r) => r.cores.receiver)),
        f1(med(n, (r) => r.cores.s3)),
        f1(med(n, (r) => r.cores.redis)),
        f1(med(n, (r) => r.cores.load)),
        f1(med(n, (r) => r.cores.other + r.cores.bench + r.cores.query)),
        us(
          med(n, (r) => r.cores.processors / r.storedRowsPerSecond),
          1
        ),
        us(
          med(n, (r) => r.cores.clickhouse / r.storedRowsPerSecond),
          1
        ),
      ])
    )
  );
  process.stdout.write('\nhow the work was cut (medians over the load window):\n');
  process.stdout.write(
    table(
      [
        'processors',
        'batches/s',
        'rows/batch',
        'batch write ms',
        'CH inserts/s',
        'CH ms/insert',
        'CH inserting',
        'CH merges/s',
      ],
      CONFIGS.map((n) => [
        String(n),
        med(n, (r) => r.writesPerSecond).toFixed(1),
        k(med(n, (r) => r.rowsPerWrite)),
        med(n, (r) => r.writeMs).toFixed(0),
        med(n, (r) => r.chInsertsPerSecond).toFixed(1),
        med(n, (r) => r.chInsertMs).toFixed(0),
        `${(med(n, (r) => r.chInsertBusy) * 100).toFixed(0)}%`,
        med(n, (r) => r.chMergesPerSecond).toFixed(1),
      ])
    )
  );
  const lost = results.reduce((s, r) => s + r.lostDecisions, 0);
  const failed = results.reduce((s, r) => s + r.failedRequests, 0);
  const skipped = results.reduce((s, r) => s + r.skippedRequests, 0);
  process.stdout.write(
    `\ncorrectness: ${results.reduce((s, r) => s + r.sentDecisions, 0)} decisions accepted, ${results.reduce((s, r) => s + r.storedDecisions, 0)} stored (FINAL), lost ${lost}` +
      `${
        results.some((r) => r.rowsMismatch)
          ? `; row mismatches: ${results
              .map((r) => r.rowsMismatch)
              .filter(Boolean)
              .join('; ')}`
          : ''
      }` +
      `${results.some((r) => !r.drainedOk) ? '; a backlog did NOT drain in time' : ''}; requests refused ${failed}, skipped by the load generator (${MAX_IN_FLIGHT} in flight) ${skipped}\n` +
      `stored rows/s: runs + steps + decisions written by all processors during the ${SECONDS} s load window (their counters); achieved = decisions the receiver answered 200 per second of sending; ` +
      `vs 1 proc: median over repetitions of stored rows/s divided by the same repetition's 1-processor figure; rows/(proc+CH) CPU-s: the same rows per CPU-second of the processors and ClickHouse\n` +
      `lag: per request, its span end time (set when sent) -> its step row's ingested_at in ClickHouse (the decision rows follow in the same write, one insert later); ` +
      `oldest unacked: age of the oldest stream entry not yet acknowledged (acknowledged after S3 + ClickHouse), sampled every ${SAMPLE_MS} ms until drained\n` +
      `backlog at end: stream entries not yet acknowledged (lag + pending, as on the processor's /metrics) when the load stopped; each is ${DECISIONS} decisions\n` +
      `machine busy: all processes and the kernel; other: what no listed process used (kernel, this script, anything else running on this machine); the load generator is a separate process on the same cores\n` +
      `batch: one processor write (S3 PUTs, then one ClickHouse insert per table, then XACK); CH inserting: share of wall time ClickHouse spent executing inserts (system.events) — ` +
      `the embedded server runs one query at a time, so at 100% inserts queue behind each other whatever the number of processors\n`
  );
} finally {
  await ch.close();
  redis.disconnect();
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { XRay, XRStepType, KEPT, ELIMINATED } from '@xray/sdk';
import { ensureRedis, freePort, script, spawnService, waitForHttp } from '@xray/stack';
import { Redis } from 'ioredis';
import { log, median, printTable } from './util.js';

// `npm run bench:receiver`: receiver ingest (decode + validate + enqueue) against a Hono handler
// that only reads and discards the same bodies, on the same server library, same run. Throughput
// is put per CPU-second of the server process, since the load generator shares the two cores.
const DECISIONS = 1000;
const SECONDS = 3;
const CONCURRENCY = 8;
const REPS = 3;
const run = promisify(execFile);

const memory = new InMemorySpanExporter();
const xray = new XRay({ exporter: memory, capture: 'full' });
const runId = await xray.startRun('bench', undefined);
const items = Array.from({ length: DECISIONS }, (_, i) => ({ id: `item-${i}`, title: `Item ${i}` }));
await xray.step(runId, XRStepType.FILTER, 'filter', (input: typeof items) =>
  input.map((it, i) => ({ itemId: it.id, outcome: i % 3 ? KEPT : ELIMINATED, reason: i % 3 ? 'passes' : 'Missing required keywords: security', score: i / DECISIONS, input: it })), items);
await xray.endRun(runId, undefined);
await xray.flush();
const spans = memory.getFinishedSpans();
await xray.shutdown();
const dir = mkdtempSync(join(tmpdir(), 'xray-bench-receiver-'));
const bodies = {
  protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
  json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
};
for (const [name, bytes] of Object.entries(bodies)) writeFileSync(join(dir, name), bytes);
writeFileSync(join(dir, 'protobuf.gz'), gzipSync(bodies.protobuf));

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
await ensureRedis(redisUrl);
const stream = `bench:receiver:${process.pid}`;
const receiverPort = await freePort();
const discardPort = await freePort();
const quiet = () => undefined;
const receiver = spawnService('receiver', script('receiver', 'main.js'), { env: { RECEIVER_PORT: String(receiverPort), REDIS_URL: redisUrl, XRAY_STREAM: stream }, onLine: quiet });
const discard = spawnService('discard', fileURLToPath(new URL('./discard-server.js', import.meta.url)), { env: { PORT: String(discardPort) }, onLine: quiet });
const redis = new Redis(redisUrl);

async function cpuSeconds(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? NaN);
}

async function measure(port: number, body: string, type: string, encoding = '-'): Promise<{ perSecond: number; perCpuSecond: number; failed: number }> {
  const before = await cpuSeconds(port);
  const started = performance.now();
  const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./load.js', import.meta.url)), `http://127.0.0.1:${port}/v1/traces`, join(dir, body), type, encoding, String(CONCURRENCY), String(SECONDS)]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = (await cpuSeconds(port)) - before;
  const { ok, failed } = JSON.parse(stdout) as { ok: number; failed: number };
  await redis.del(stream); // the receiver's entries are not processed here
  return { perSecond: (ok * DECISIONS) / seconds, perCpuSecond: (ok * DECISIONS) / cpu, failed };
}

try {
  await waitForHttp(`http://127.0.0.1:${receiverPort}/healthz`, 30_000, receiver);
  await waitForHttp(`http://127.0.0.1:${discardPort}/healthz`, 30_000, discard);
  process.stdout.write(`X-Ray receiver benchmark — node ${process.version}, ${DECISIONS} decisions per request (protobuf ${bodies.protobuf.length} B, JSON ${bodies.json.length} B), ${CONCURRENCY} connections, ${SECONDS} s per measurement, median of ${REPS}\n`);
  log('warm-up ...');
  await measure(discardPort, 'protobuf', 'application/x-protobuf');
  await measure(receiverPort, 'protobuf', 'application/x-protobuf');
  const r: Record<string, { perSecond: number; perCpuSecond: number; failed: number }[]> = { discard: [], protobuf: [], json: [], gzip: [] };
  for (let i = 0; i < REPS; i++) {
    log(`repetition ${i + 1} of ${REPS} ...`);
    r.discard!.push(await measure(discardPort, 'protobuf', 'application/x-protobuf'));
    r.protobuf!.push(await measure(receiverPort, 'protobuf', 'application/x-protobuf'));
    r.json!.push(await measure(receiverPort, 'json', 'application/json'));
    r.gzip!.push(await measure(receiverPort, 'protobuf.gz', 'application/x-protobuf', 'gzip'));
  }
  const m = (k: string, f: 'perSecond' | 'perCpuSecond') => median(r[k]!.map((x) => x[f]));
  const failed = Object.values(r).flat().reduce((n, x) => n + x.failed, 0);
  process.stdout.write('\n');
  printTable([
    { figure: 'read-and-discard Hono handler, decisions/CPU-s', value: m('discard', 'perCpuSecond').toFixed(0), baseline: `${m('discard', 'perSecond').toFixed(0)} decisions/s` },
    { figure: 'receiver OTLP/protobuf, decisions/CPU-s', value: m('protobuf', 'perCpuSecond').toFixed(0), baseline: 'read-and-discard', ratio: m('protobuf', 'perCpuSecond') / m('discard', 'perCpuSecond'), goal: '>= 0.5x, >= 120k', ok: m('protobuf', 'perCpuSecond') / m('discard', 'perCpuSecond') >= 0.5 && m('protobuf', 'perCpuSecond') >= 120_000 },
    { figure: 'receiver OTLP/JSON, decisions/CPU-s', value: m('json', 'perCpuSecond').toFixed(0), baseline: 'receiver protobuf', ratio: m('json', 'perCpuSecond') / m('protobuf', 'perCpuSecond'), goal: '>= 0.7x', ok: m('json', 'perCpuSecond') / m('protobuf', 'perCpuSecond') >= 0.7 },
    { figure: 'receiver OTLP/protobuf+gzip, decisions/CPU-s', value: m('gzip', 'perCpuSecond').toFixed(0), baseline: 'receiver protobuf', ratio: m('gzip', 'perCpuSecond') / m('protobuf', 'perCpuSecond') },
    { figure: 'receiver OTLP/protobuf, decisions/s (wall)', value: m('protobuf', 'perSecond').toFixed(0), baseline: `discard ${m('discard', 'perSecond').toFixed(0)}`, ratio: m('protobuf', 'perSecond') / m('discard', 'perSecond') },
    { figure: 'failed requests (non-200)', value: String(failed), goal: '0', ok: failed === 0 },
  ]);
  process.stdout.write('\nRedis AOF as configured on this machine (the local one: off); the load generator is a separate process on the same 2 cores.\n');
} finally {
  redis.disconnect();
  await Promise.all([receiver.stop(), discard.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openKeyStore, provisionProject } from '@xray/auth';
import { decodeQueueEntry } from '@xray/core/ingest';
import { DEFAULT_REDIS_URL } from '@xray/core/service';
import { ensureRedis, freePort, script, spawnService, waitForHttp } from '@xray/stack';
import { Redis } from 'ioredis';
import { otlpBodies, recordStepSpans } from './step-bodies.js';
import { log, median, printTable } from './util.js';

// `npm run bench:receiver`: receiver ingest (decode + validate + enqueue) against a Hono handler
// that only reads and discards the same bodies, on the same server library, same run, interleaved.
// Throughput is put per CPU-second of the server process, since the load generator shares the two
// cores. Every receiver measurement is checked: spans sent = spans enqueued, entries decode.
const DECISIONS = 1000;
const SECONDS = 3;
const CONCURRENCY = 8;
const REPS = Number(process.env.XRAY_BENCH_REPS ?? 3);
const run = promisify(execFile);

const spans = await recordStepSpans(DECISIONS);
const SPANS_PER_BODY = spans.length;
const dir = mkdtempSync(join(tmpdir(), 'xray-bench-receiver-'));
const encoded = otlpBodies(spans);
const bodies: Record<string, Buffer> = { protobuf: Buffer.from(encoded.protobuf), json: Buffer.from(encoded.json) };
bodies['protobuf.gz'] = gzipSync(bodies.protobuf!);
for (const [name, bytes] of Object.entries(bodies)) writeFileSync(join(dir, name), bytes);

const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
await ensureRedis(redisUrl);
// A key of this run only, in its folder; rate limits off (the benchmark measures capacity).
const authStore = `file:${join(dir, 'keys.json')}`;
const keyStore = openKeyStore(authStore, redisUrl);
const { ingestKey } = await provisionProject(keyStore, 'bench');
await keyStore.close();
const stream = `bench:receiver:${process.pid}`;
const receiverPort = await freePort();
const discardPort = await freePort();
const quiet = () => undefined;
const receiverEnv = {
  REDIS_URL: redisUrl,
  XRAY_STREAM: stream,
  XRAY_AUTH_STORE: authStore,
  RECEIVER_RATE_SPANS_PER_SECOND: '0',
  RECEIVER_RATE_BYTES_PER_SECOND: '0',
};
const receiver = spawnService('receiver', script('receiver', 'main.js'), {
  env: { ...receiverEnv, RECEIVER_PORT: String(receiverPort) },
  onLine: quiet,
});
// The same receiver given old-space headroom: without it V8 runs a full mark-compact every few
// dozen requests in this process (see receiver/README.md). A node flag, so not through spawnService.
const HEADROOM_FLAG = '--initial-old-space-size=64';
const headroomPort = await freePort();
const headroom = spawn(process.execPath, [HEADROOM_FLAG, script('receiver', 'main.js')], {
  env: { ...process.env, ...receiverEnv, RECEIVER_PORT: String(headroomPort) },
  stdio: 'ignore',
});
const discard = spawnService('discard', fileURLToPath(new URL('./discard-server.js', import.meta.url)), {
  env: { PORT: String(discardPort) },
  onLine: quiet,
});
const redis = new Redis(redisUrl);
const receiverPorts = new Set([receiverPort, headroomPort]);

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
}

interface Measurement {
  perSecond: number;
  perCpuSecond: number;
  failed: number;
  /** Receiver only: spans in the 200-answered requests, and spans the receiver says it enqueued. */
  spansSent: number;
  spansEnqueued: number;
  /** Receiver only: stream entries written, and requests answered 200 (one entry each). */
  entries: number;
  ok: number;
}

async function measure(port: number, body: string, type: string, encoding = '-'): Promise<Measurement> {
  const isReceiver = receiverPorts.has(port);
  const before = await metric(port, 'process_cpu_seconds_total');
  const acceptedBefore = isReceiver ? await metric(port, 'xray_receiver_spans_accepted_total') : 0;
  const started = performance.now();
  const { stdout } = await run(process.execPath, [
    fileURLToPath(new URL('./load.js', import.meta.url)),
    `http://127.0.0.1:${port}/v1/traces`,
    join(dir, body),
    type,
    encoding,
    String(CONCURRENCY),
    String(SECONDS),
    `Bearer ${ingestKey}`,
  ]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = (await metric(port, 'process_cpu_seconds_total')) - before;
  const { ok, failed } = JSON.parse(stdout) as { ok: number; failed: number };
  let spansEnqueued = 0;
  let entries = 0;
  if (isReceiver) {
    spansEnqueued = (await metric(port, 'xray_receiver_spans_accepted_total')) - acceptedBefore;
    entries = await redis.xlen(stream);
    // The first and last entries decode, as the processor decodes them, to every span and decision sent.
    for (const [, f] of [
      ...(await redis.xrangeBuffer(stream, '-', '+', 'COUNT', 1)),
      ...(await redis.xrevrangeBuffer(stream, '+', '-', 'COUNT', 1)),
    ]) {
      const decoded = decodeQueueEntry(
        new Map(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString(), f[2 * i + 1]!] as const))
      );
      const decisions = decoded.ok ? decoded.value.spans.reduce((n, s) => n + s.events.length, 0) : -1;
      if (!decoded.ok || decoded.value.spans.length !== SPANS_PER_BODY || decisions !== DECISIONS) {
        throw new Error(
          `an entry of ${body} does not decode to the spans sent: ${decoded.ok ? `${decoded.value.spans.length} spans, ${decisions} decisions` : decoded.error}`
        );
      }
    }
    await redis.del(stream); // the receiver's entries are not processed here
  }
  return {
    perSecond: (ok * DECISIONS) / seconds,
    perCpuSecond: (ok * DECISIONS) / cpu,
    failed,
    spansSent: ok * SPANS_PER_BODY,
    spansEnqueued,
    entries,
    ok,
  };
}

function version(pkg: string): string {
  const require = createRequire(join(fileURLToPath(new URL('.', import.meta.url)), 'x.js'));
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    // packages whose exports hide package.json: walk from the entry point
    const entry = require.resolve(pkg);
    const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}/`.length);
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  }
}

try {
  await waitForHttp(`http://127.0.0.1:${receiverPort}/healthz`, 30_000, receiver);
  await waitForHttp(`http://127.0.0.1:${discardPort}/healthz`, 30_000, discard);
  await waitForHttp(`http://127.0.0.1:${headroomPort}/healthz`, 30_000);
  const kb = (name: string) => `${bodies[name]!.length} B`;
  process.stdout.write(
    `X-Ray receiver benchmark — node ${process.version}, hono ${version('hono')}, @hono/node-server ${version('@hono/node-server')}, ioredis ${version('ioredis')}, bodies from @opentelemetry/otlp-transformer ${version('@opentelemetry/otlp-transformer')}\n` +
      `${DECISIONS} decisions in ${SPANS_PER_BODY} spans per request: protobuf ${kb('protobuf')}, JSON ${kb('json')}, protobuf gzip ${kb('protobuf.gz')} (gzip off unless said); ${CONCURRENCY} connections, ${SECONDS} s per measurement, median of ${REPS}, interleaved\n`
  );
  log('warm-up ...');
  await measure(discardPort, 'protobuf', 'application/x-protobuf');
  await measure(receiverPort, 'protobuf', 'application/x-protobuf');
  await measure(receiverPort, 'json', 'application/json');
  await measure(headroomPort, 'protobuf', 'application/x-protobuf');
  const r: Record<string, Measurement[]> = {
    discardProtobuf: [],
    protobuf: [],
    discardJson: [],
    json: [],
    gzip: [],
    headroomProtobuf: [],
    headroomJson: [],
  };
  for (let i = 0; i < REPS; i++) {
    log(`repetition ${i + 1} of ${REPS} ...`);
    r.discardProtobuf!.push(await measure(discardPort, 'protobuf', 'application/x-protobuf'));
    r.protobuf!.push(await measure(receiverPort, 'protobuf', 'application/x-protobuf'));
    r.discardJson!.push(await measure(discardPort, 'json', 'application/json'));
    r.json!.push(await measure(receiverPort, 'json', 'application/json'));
    r.gzip!.push(await measure(receiverPort, 'protobuf.gz', 'application/x-protobuf', 'gzip'));
    r.headroomProtobuf!.push(await measure(headroomPort, 'protobuf', 'application/x-protobuf'));
    r.headroomJson!.push(await measure(headroomPort, 'json', 'application/json'));
  }
  const m = (k: string, f: 'perSecond' | 'perCpuSecond') => median(r[k]!.map((x) => x[f]));
  const all = Object.values(r).flat();
  const failed = all.reduce((n, x) => n + x.failed, 0);
  const receiverRuns = [...r.protobuf!, ...r.json!, ...r.gzip!, ...r.headroomProtobuf!, ...r.headroomJson!];
  const sent = receiverRuns.reduce((n, x) => n + x.spansSent, 0);
  const enqueued = receiverRuns.reduce((n, x) => n + x.spansEnqueued, 0);
  const entriesOk = receiverRuns.every((x) => x.entries === x.ok);
  const proto = m('protobuf', 'perCpuSecond');
  const json = m('json', 'perCpuSecond');
  process.stdout.write('\n');
  printTable([
    {
      figure: 'read-and-discard Hono handler, protobuf bodies, decisions/CPU-s',
      value: m('discardProtobuf', 'perCpuSecond').toFixed(0),
      baseline: `${m('discardProtobuf', 'perSecond').toFixed(0)} decisions/s`,
    },
    {
      figure: 'read-and-discard Hono handler, JSON bodies, decisions/CPU-s',
      value: m('discardJson', 'perCpuSecond').toFixed(0),
      baseline: `${m('discardJson', 'perSecond').toFixed(0)} decisions/s`,
    },
    {
      figure: 'receiver OTLP/protobuf, decisions/CPU-s',
      value: proto.toFixed(0),
      baseline: 'discard, protobuf',
      ratio: proto / m('discardProtobuf', 'perCpuSecond'),
      goal: '>= 0.5x, >= 120k',
      ok: proto / m('discardProtobuf', 'perCpuSecond') >= 0.5 && proto >= 120_000,
    },
    {
      figure: 'receiver OTLP/JSON, decisions/CPU-s',
      value: json.toFixed(0),
      baseline: 'discard, JSON',
      ratio: json / m('discardJson', 'perCpuSecond'),
      goal: '>= 0.5x',
      ok: json / m('discardJson', 'perCpuSecond') >= 0.5,
    },
    {
      figure: 'receiver OTLP/JSON against OTLP/protobuf, same content',
      value: json.toFixed(0),
      baseline: 'receiver protobuf',
      ratio: json / proto,
      goal: '>= 0.7x',
      ok: json / proto >= 0.7,
    },
    {
      figure: 'receiver OTLP/protobuf, gzip on, decisions/CPU-s',
      value: m('gzip', 'perCpuSecond').toFixed(0),
      baseline: 'receiver protobuf',
      ratio: m('gzip', 'perCpuSecond') / proto,
    },
    {
      figure: `receiver OTLP/protobuf, node ${HEADROOM_FLAG}`,
      value: m('headroomProtobuf', 'perCpuSecond').toFixed(0),
      baseline: 'discard, protobuf',
      ratio: m('headroomProtobuf', 'perCpuSecond') / m('discardProtobuf', 'perCpuSecond'),
      goal: '>= 0.5x, >= 120k',
      ok:
        m('headroomProtobuf', 'perCpuSecond') / m('discardProtobuf', 'perCpuSecond') >= 0.5 &&
        m('headroomProtobuf', 'perCpuSecond') >= 120_000,
    },
    {
      figure: `receiver OTLP/JSON, node ${HEADROOM_FLAG}`,
      value: m('headroomJson', 'perCpuSecond').toFixed(0),
      baseline: 'discard, JSON',
      ratio: m('headroomJson', 'perCpuSecond') / m('discardJson', 'perCpuSecond'),
      goal: '>= 0.5x',
      ok: m('headroomJson', 'perCpuSecond') / m('discardJson', 'perCpuSecond') >= 0.5,
    },
    {
      figure: 'receiver OTLP/protobuf, decisions/s (wall)',
      value: m('protobuf', 'perSecond').toFixed(0),
      baseline: `discard ${m('discardProtobuf', 'perSecond').toFixed(0)}`,
      ratio: m('protobuf', 'perSecond') / m('discardProtobuf', 'perSecond'),
    },
    {
      figure: 'spans sent (200) = spans enqueued; one entry per request',
      value: `${sent} = ${enqueued}`,
      goal: 'equal',
      ok: sent === enqueued && entriesOk,
    },
    { figure: 'failed requests (non-200)', value: String(failed), goal: '0', ok: failed === 0 },
  ]);
  process.stdout.write(
    '\nRedis AOF as configured on this machine (the local one: off); the load generator is a separate process on the same 2 cores.\n'
  );
} finally {
  redis.disconnect();
  headroom.kill('SIGTERM');
  await Promise.all([
    receiver.stop(),
    discard.stop(),
    new Promise((resolve) => (headroom.exitCode !== null ? resolve(undefined) : headroom.once('exit', resolve))),
  ]);
  rmSync(dir, { recursive: true, force: true });
}

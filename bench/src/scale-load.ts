#!/usr/bin/env node
import { loadTemplate, patchBody } from './scale-body.js';

// Load generator for `npm run bench:scale`, in its own process: sends OTLP/protobuf requests to the
// receiver at a steady rate (open loop: sends are scheduled by the clock, not by the answers) over
// keep-alive connections, each request a copy of the template with its own ids and span times.
//
//   node scale-load.js --url U --template DIR --tag N --rate R --seconds S
//                      [--start-at EPOCH_MS] [--max-in-flight 16] [--authorization 'Bearer KEY']
//
// --rate is requests per second; 0 sends as fast as --max-in-flight connections allow (closed
// loop). A send that falls due while --max-in-flight requests are unanswered is skipped and
// counted, so the offered rate never silently becomes "whatever the receiver allows". The
// Authorization header can also come from XRAY_LOAD_AUTHORIZATION. Prints one JSON line.

const args = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
const need = (name: string) => {
  const v = args.get(name);
  if (v === undefined || v === '') throw new Error(`scale-load: --${name} is required`);
  return v;
};
const url = need('url');
const template = loadTemplate(need('template'));
const tag = Number(need('tag'));
const rate = Number(need('rate'));
const seconds = Number(need('seconds'));
const maxInFlight = Number(args.get('max-in-flight') ?? 16);
const startAt = Number(args.get('start-at') ?? Date.now());
const authorization = args.get('authorization') || process.env.XRAY_LOAD_AUTHORIZATION || undefined;

const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
if (authorization) headers.authorization = authorization;

let seq = 0;
let inFlight = 0;
let ok = 0;
let failed = 0;
let skipped = 0;
let bytes = 0;
const statuses: Record<string, number> = {};
const latencies: number[] = [];
const inflight = new Set<Promise<void>>();

function send(): Promise<void> {
  const body = patchBody(template, tag, seq++, Date.now());
  const t0 = performance.now();
  inFlight++;
  const p = fetch(url, { method: 'POST', body, headers })
    .then(async (res) => {
      await res.arrayBuffer();
      return String(res.status);
    })
    .catch(() => 'error')
    .then((status) => {
      inFlight--;
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === '200') {
        ok++;
        bytes += body.length;
      } else failed++;
    });
  inflight.add(p);
  void p.then(() => inflight.delete(p));
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
await sleep(startAt - Date.now());
const cpu0 = process.cpuUsage();
const started = Date.now();
const deadline = started + seconds * 1000;
if (rate > 0) {
  // Request i is due at started + i / rate.
  for (let i = 0; ; i++) {
    const due = started + (i * 1000) / rate;
    if (due >= deadline) break;
    if (due > Date.now()) await sleep(due - Date.now());
    if (inFlight >= maxInFlight) skipped++;
    else void send();
  }
} else {
  await Promise.all(
    Array.from({ length: maxInFlight }, async () => {
      while (Date.now() < deadline) await send();
    })
  );
}
const sendingEnded = Date.now();
await Promise.all(inflight);
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    requested: seq + skipped,
    sent: seq,
    ok,
    failed,
    skipped,
    statuses,
    bytes,
    decisionsPerRequest: template.decisions,
    started,
    sendingSeconds: (sendingEnded - started) / 1000,
    seconds: (Date.now() - started) / 1000,
    responseMs: { p50: q(0.5), p99: q(0.99) },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`
);

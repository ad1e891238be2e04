import { createClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import * as C from '@xray/otel';
import { mapSpans } from '@xray/core/storage';
import { type XSpan } from '@xray/core/model';
import { ELIMINATED, KEPT, XRay, XRStepType } from '@xray/sdk';
import { syntheticMessages } from './processor.js';
import { log, median, s3Usage, startBenchStack, type BenchStack } from './util.js';

// `npm run bench:payloads`: the evidence behind the payload codec, the dedup ratio on a corpus
// shaped like a real pipeline (4 steps over the same 1,000 documents of 2-20 KB, run 10 times),
// and the time to record and read back one 1 MiB and one 20 MiB payload through the running stack.

const REPS = Number(process.env.XRAY_BENCH_REPS ?? 3);
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

// ---------------------------------------------------------------------------------------------
// 1. Codecs on frames of 64 decision records, as the processor writes them.

function frames(): Buffer[] {
  const spans: XSpan[] = syntheticMessages('codec', 40, 640).flatMap((m) => m.spans);
  for (const [i, span] of spans.entries())
    for (const [j, e] of span.events.entries()) {
      e.attributes[C.ATTR_XRAY_DECISION_INPUT] = JSON.stringify({
        id: `item-${(i * 7919 + j) % 25_000}`,
        title: `Product ${j} ${['security', 'compliance', 'pricing', 'sso', 'audit'][j % 5]}`,
        price: (j % 200) + 0.99,
        vendor: `vendor-${j % 97}`,
      });
      e.attributes[C.ATTR_XRAY_DECISION_METADATA] = JSON.stringify({ model: 'v3', latencyMs: (i * j) % 50 });
    }
  const out: Buffer[] = [];
  for (const pending of mapSpans('codec', spans).pending)
    for (const frame of pending.frames) out.push(Buffer.from(frame.lines.join('')));
  return out;
}

type Codec = [name: string, compress: (b: Buffer) => Buffer, decompress: (b: Buffer) => Buffer];
const brotli = (q: number): Codec => [
  `brotli ${q}${q === 4 ? ' (chosen)' : ''}`,
  (b) =>
    zlib.brotliCompressSync(b, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: q,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length,
      },
    }),
  (b) => zlib.brotliDecompressSync(b),
];
function codecs(): Codec[] {
  const list: Codec[] = [
    ['raw', (b) => b, (b) => b],
    ['deflate-raw 1', (b) => zlib.deflateRawSync(b, { level: 1 }), (b) => zlib.inflateRawSync(b)],
    ['gzip 6', (b) => zlib.gzipSync(b), (b) => zlib.gunzipSync(b)],
    brotli(4),
    brotli(5),
  ];
  const z = zlib as unknown as Record<string, ((b: Buffer, o?: object) => Buffer) | undefined>;
  const level = (zlib.constants as Record<string, number>).ZSTD_c_compressionLevel;
  if (z.zstdCompressSync && z.zstdDecompressSync && level !== undefined)
    for (const l of [1, 3])
      list.push([
        `zstd ${l}`,
        (b) => z.zstdCompressSync!(b, { params: { [level]: l } }),
        (b) => z.zstdDecompressSync!(b),
      ]);
  return list;
}

function codecTable(): void {
  const input = frames();
  const records = input.length * 64;
  const raw = input.reduce((n, f) => n + f.length, 0);
  const rows = codecs().map(([name, compress, decompress]) => {
    const runs = Array.from({ length: REPS }, () => {
      let t = performance.now();
      const out = input.map(compress);
      const compressMs = performance.now() - t;
      t = performance.now();
      for (const f of out) decompress(f);
      return { bytes: out.reduce((n, f) => n + f.length, 0), compressMs, decompressMs: performance.now() - t };
    });
    const bytes = runs[0]!.bytes;
    if (name === 'raw') return [name, (bytes / records).toFixed(1), '1.0x', '—', '—'];
    return [
      name,
      (bytes / records).toFixed(1),
      `${(raw / bytes).toFixed(1)}x`,
      (raw / 1e6 / (median(runs.map((r) => r.compressMs)) / 1000)).toFixed(0),
      ((median(runs.map((r) => r.decompressMs)) * 1000) / input.length).toFixed(0),
    ];
  });
  printRows(
    `codecs on ${input.length} frames of 64 decision records (${(raw / records).toFixed(0)} B raw per record; median of ${REPS}; Node ${process.version})`,
    ['codec', 'B per record', 'vs raw', 'compress MB/s', 'decompress µs/frame'],
    rows
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Dedup: 4 steps over the same 1,000 documents of 2-20 KB, run 10 times.

function documents(n: number): { id: string; title: string; body: string }[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const words = ['pipeline', 'ranking', 'security', 'compliance', 'latency', 'vendor', 'index', 'model', 'price'];
  return Array.from({ length: n }, (_, i) => {
    const size = 2_000 + Math.floor(rand() * 18_000);
    let body = '';
    while (body.length < size) body += `${words[Math.floor(rand() * words.length)]} ${Math.floor(rand() * 1e6)} `;
    return { id: `doc-${i}`, title: `Document ${i}`, body: body.slice(0, size) };
  });
}

async function dedup(stack: BenchStack): Promise<void> {
  const docs = documents(1_000);
  const xray = new XRay({
    endpoint: `${stack.services.receiverUrl}/v1/traces`,
    apiKey: stack.services.keys.ingestKey,
    capture: 'full',
  });
  const steps = ['retrieve', 'filter-language', 'filter-policy', 'rerank'];
  let logical = 0;
  for (let run = 0; run < 10; run++) {
    const runId = await xray.startRun('dedup-corpus', docs.length);
    for (const [s, name] of steps.entries()) {
      // A step is 11 MB of documents: let it export before the next, or the SDK's queue (64 MiB)
      // would drop what does not fit (counted) while the first steps are still on their way.
      await xray.flush();
      await xray.step(
        runId,
        s === 3 ? XRStepType.RANK : XRStepType.FILTER,
        name,
        (input: typeof docs) =>
          input.map((doc, i) => {
            logical += Buffer.byteLength(JSON.stringify(doc));
            return { itemId: doc.id, outcome: (i + s) % 9 ? KEPT : ELIMINATED, reason: 'r', input: doc };
          }),
        docs
      );
    }
    await xray.endRun(runId, docs.length);
    log(`dedup corpus: run ${run + 1}/10 recorded`);
  }
  await xray.shutdown();
  const sdk = xray.stats();
  if (sdk.decisionsDropped.queueFull > 0 || sdk.spansDropped > 0)
    log(
      `SDK dropped ${sdk.spansDropped} spans (${sdk.decisionsDropped.queueFull} decisions): the figures below miss them`
    );
  await waitForDecisions(stack, 40_000 - sdk.decisionsDropped.queueFull - sdk.decisionsDropped.exportFailed);
  const usage = await s3Usage(stack, `${stack.settings.projectId}/`);
  const docDigests = docs.map((doc) => sha256(JSON.stringify(doc)));
  const stats = xray.stats();
  printRows(
    'dedup: 4 steps x the same 1,000 documents of 2-20 KB x 10 runs (capture full)',
    ['figure', 'value'],
    [
      ['document payloads recorded', '40,000'],
      ['their JSON, as recorded', `${(logical / 1e6).toFixed(1)} MB`],
      ['distinct values stored in S3 (content-addressed)', usage.values.toLocaleString('en-US')],
      [
        'documents among them (found by the SHA-256 of their JSON)',
        `${docDigests.filter((d) => usage.digests.has(d)).length} of ${docs.length}`,
      ],
      [
        'other values (step inputs and outputs: lists of documents)',
        String(usage.values - docDigests.filter((d) => usage.digests.has(d)).length),
      ],
      ['content-addressed bytes in S3 (compressed)', `${(usage.valueBytes / 1e6).toFixed(2)} MB`],
      ['span objects (rows, reasons, references)', `${usage.objects} objects, ${(usage.bytes / 1e6).toFixed(2)} MB`],
      ['dedup ratio (payloads recorded / values stored)', `${(40_000 / usage.values).toFixed(1)}x`],
      [
        'bytes ratio (JSON recorded / S3 bytes, dedup + compression)',
        `${(logical / (usage.bytes + usage.valueBytes)).toFixed(1)}x`,
      ],
      [
        'SDK uploads (values > 16 KiB; the rest ride inline)',
        `${stats.uploadedPayloads} (${(stats.uploadedPayloadBytes / 1e6).toFixed(1)} MB)`,
      ],
      ['SDK values dropped / cut', `${stats.droppedPayloads} / ${stats.truncatedValues}`],
    ]
  );
}

async function waitForDecisions(stack: BenchStack, expected: number): Promise<void> {
  const ch = createClient({ url: stack.storage.clickhouseUrl, database: stack.settings.database });
  const started = Date.now();
  try {
    for (;;) {
      const result = await ch.query({
        query: 'SELECT count() c FROM decision_events FINAL WHERE project_id = {p:String}',
        query_params: { p: stack.settings.projectId },
        format: 'JSONEachRow',
      });
      const c = (await result.json<{ c: string }>())[0]?.c ?? '0';
      if (Number(c) >= expected) return;
      if (Date.now() - started > 600_000) throw new Error(`only ${c} of ${expected} decisions stored after 10 min`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await ch.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. One large payload: record, flush, read back whole.

async function large(stack: BenchStack, bytes: number): Promise<string[]> {
  const read = { authorization: `Bearer ${stack.services.keys.readKey}` };
  const results: { record: number; flush: number; read: number }[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const value = { id: `big-${rep}`, text: `${rep} `.padEnd(bytes - 30, 'abcdefghij') };
    const json = JSON.stringify(value);
    const xray = new XRay({
      endpoint: `${stack.services.receiverUrl}/v1/traces`,
      apiKey: stack.services.keys.ingestKey,
      capture: 'full',
    });
    const runId = await xray.startRun('large-payload', 1);
    let t = performance.now();
    await xray.step(
      runId,
      XRStepType.FILTER,
      'big',
      () => [{ itemId: value.id, outcome: KEPT, reason: 'r', input: value }],
      1
    );
    const record = performance.now() - t;
    await xray.endRun(runId, 1);
    t = performance.now();
    await xray.shutdown();
    const flush = performance.now() - t;
    const eventId = await firstDecision(stack, runId);
    t = performance.now();
    const detail = (await (
      await fetch(`${stack.services.queryUrl}/v1/decisions/${eventId}`, { headers: read })
    ).json()) as {
      input?: unknown;
      payloads?: { input?: { state: string; download?: string } };
    };
    let text = detail.input === undefined ? undefined : JSON.stringify(detail.input);
    const download = detail.payloads?.input?.download;
    if (text === undefined && download)
      text = await (await fetch(`${stack.services.queryUrl}${download}`, { headers: read })).text();
    results.push({ record, flush, read: performance.now() - t });
    if (text === undefined || sha256(text) !== sha256(json))
      throw new Error(`${bytes} B payload did not come back whole`);
  }
  const mib = `${bytes / 2 ** 20} MiB`;
  return [
    mib,
    ...(['record', 'flush', 'read'] as const).map((k) => median(results.map((r) => r[k])).toFixed(0)),
    'equal',
  ];
}

async function firstDecision(stack: BenchStack, runId: string): Promise<string> {
  const read = { authorization: `Bearer ${stack.services.keys.readKey}` };
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${stack.services.queryUrl}/v1/runs/${runId}/steps`, { headers: read });
    if (res.ok) {
      const { steps } = (await res.json()) as { steps: { stepId: string }[] };
      if (steps[0]) {
        const list = await fetch(`${stack.services.queryUrl}/v1/steps/${steps[0].stepId}/decisions`, { headers: read });
        const { decisions } = (await list.json()) as { decisions: { eventId: string }[] };
        if (decisions[0]) return decisions[0].eventId;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} never became queryable`);
}

function printRows(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`
  );
}

// `node bench/dist/payloads.js [codecs] [large] [dedup]`: the parts named, or all of them.
const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || parts.includes(part);
if (wanted('codecs')) codecTable();
if (wanted('large') || wanted('dedup')) {
  const stack = await startBenchStack('payloads');
  try {
    if (wanted('large')) {
      log('large payloads: record, flush, read back ...');
      const rows = [await large(stack, 2 ** 20), await large(stack, 20 * 2 ** 20)];
      printRows(
        `one large decision input through the stack (median of ${REPS}; ms)`,
        ['size', 'record (host)', 'flush', 'read back whole', 'SHA-256'],
        rows
      );
    }
    if (wanted('dedup')) {
      log('dedup corpus ...');
      await dedup(stack);
    }
  } finally {
    await stack.close();
  }
}

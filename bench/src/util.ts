import { ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetterStream } from '@xray/core/ingest';
import { DEFAULT_REDIS_URL } from '@xray/core/service';
import { s3ClientConfig } from '@xray/core/storage';
import { Redis } from 'ioredis';
import {
  ensureRedis,
  freePort,
  type Services,
  startServices,
  startStorage,
  type Storage,
  stopRedis,
} from '@xray/stack';

/** Median of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0-100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const log = (line: string) => process.stderr.write(`  ${line}\n`);

export interface BenchStack {
  storage: Storage;
  services: Services;
  settings: { database: string; stream: string; bucket: string; projectId: string; redisUrl: string };
  close(): Promise<void>;
}

/** A fresh stack in a temporary folder: storage, processor, receiver, query API. */
export async function startBenchStack(label: string, env: Record<string, string> = {}): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `xray-bench-${label}-`));
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = await ensureRedis(redisUrl);
  const quiet = (name: string, line: string) => {
    if (/error|fail/i.test(line)) log(`[${name}] ${line}`);
  };
  const storage = await startStorage({
    dataDir,
    clickhousePort: await freePort(),
    s3Port: await freePort(),
    bucket: 'bench',
    onLine: quiet,
  });
  const settings = {
    database: `bench_${label}`,
    stream: `bench:${label}:${process.pid}`,
    bucket: 'bench',
    projectId: 'bench',
    redisUrl,
  };
  const services = await startServices({
    ...settings,
    // Keys of this run only, in its data folder; rate limits off (the benchmarks measure capacity).
    authStore: `file:${join(dataDir, 'keys.json')}`,
    clickhouseUrl: storage.clickhouseUrl,
    s3Endpoint: storage.s3Endpoint,
    receiverPort: await freePort(),
    queryPort: await freePort(),
    processorPort: await freePort(),
    env: { PROCESSOR_BLOCK_MS: '50', RECEIVER_RATE_SPANS_PER_SECOND: '0', RECEIVER_RATE_BYTES_PER_SECOND: '0', ...env },
    onLine: quiet,
  });
  return {
    storage,
    services,
    settings,
    async close() {
      await services.stop();
      await storage.stop();
      const client = new Redis(redisUrl);
      await client.del(settings.stream, deadLetterStream(settings.stream)).catch(() => undefined);
      client.disconnect();
      if (redis === 'started') await stopRedis(redisUrl);
      if (!process.env.XRAY_BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Prints the benchmark table: figure, value, baseline, ratio, goal, verdict. */
export function printTable(
  rows: { figure: string; value: string; baseline?: string; ratio?: number; goal?: string; ok?: boolean }[]
): void {
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'goal', 'verdict'];
  const cells = rows.map((r) => [
    r.figure,
    r.value,
    r.baseline ?? '—',
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}x`,
    r.goal ?? '—',
    r.ok === undefined ? '—' : r.ok ? 'met' : 'NOT met',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`
  );
}

/** An S3 client for the bench stack's s3rver. */
export function benchS3(stack: BenchStack): S3Client {
  return new S3Client(
    s3ClientConfig({
      endpoint: stack.storage.s3Endpoint,
      region: 'us-east-1',
      bucket: stack.settings.bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    })
  );
}

/** What S3 holds under a prefix: span objects and content-addressed values, counted and summed. */
export async function s3Usage(
  stack: BenchStack,
  prefix = ''
): Promise<{ objects: number; bytes: number; values: number; valueBytes: number; digests: Set<string> }> {
  const s3 = benchS3(stack);
  const usage = { objects: 0, bytes: 0, values: 0, valueBytes: 0, digests: new Set<string>() };
  // ListObjects (v1), paged by marker: s3rver cannot make v2 continuation tokens on OpenSSL 3.
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectsCommand({ Bucket: stack.settings.bucket, Prefix: prefix, Marker: marker })
    );
    const contents = page.Contents ?? [];
    for (const o of contents) {
      if (o.Key!.includes('/sha256/')) {
        usage.values++;
        usage.valueBytes += o.Size ?? 0;
        usage.digests.add(o.Key!.slice(o.Key!.lastIndexOf('/') + 1, o.Key!.indexOf('.', o.Key!.lastIndexOf('/'))));
      } else {
        usage.objects++;
        usage.bytes += o.Size ?? 0;
      }
    }
    if (!page.IsTruncated || contents.length === 0) break;
    marker = contents.at(-1)!.Key;
  }
  s3.destroy();
  return usage;
}

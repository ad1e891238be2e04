import { CONTENT_TYPES } from '../load/bodies.js';
import { chunkedUpload, declaredUpload, gzipBomb } from '../load/oversize.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { answers, cpuSeconds, residentMb } from '../util.js';

/** The receiver's body limit (its default, set explicitly), counted after decompression. */
const LIMIT_BYTES = 20 * 1024 * 1024;
const BOMB_INFLATED_BYTES = 1024 * 1024 * 1024;
const CHUNKED_BYTES = 256 * 1024 * 1024;
/** Inflating all of the bomb costs seconds of CPU here; stopping at the limit, a fraction of one. */
const MAX_BOMB_CPU_MS = 1000;
const MAX_BOMB_RSS_GROWTH_MB = 128;
/** What a refused chunked upload may have pushed into the socket: the limit plus buffers. */
const MAX_CHUNKED_SENT_MB = 64;
const MAX_DECLARED_MS = 1000;

/**
 * A 1 MB gzip body that inflates to 1 GiB, a chunked body of 256 MiB and a declared 1 GiB one:
 * each gets 413; inflating stops near the limit (little CPU and memory spent), the chunked upload
 * is cut off near the limit, the declared one is refused before its body, and the receiver stays up.
 */
export const gzipBomb1GiB: ReliabilityTest = {
  name: 'gzip-bomb',
  timeoutSeconds: 90,
  async run(ctx) {
    const d = await ctx.deploy({
      label: 'gzip',
      services: ['receiver'],
      env: { RECEIVER_MAX_BODY_BYTES: String(LIMIT_BYTES) },
    });
    const bomb = await gzipBomb(BOMB_INFLATED_BYTES);
    const headers = { ...d.ingestHeaders(), 'content-type': CONTENT_TYPES.protobuf };
    const [rssBefore, cpuBefore] = [await residentMb(d.receiverUrl), await cpuSeconds(d.receiverUrl)];
    const started = Date.now();
    const res = await fetch(d.tracesUrl, {
      method: 'POST',
      headers: { ...headers, 'content-encoding': 'gzip' },
      body: bomb,
      signal: AbortSignal.timeout(30_000),
    }).catch(() => undefined);
    await res?.arrayBuffer().catch(() => undefined);
    const bombMillis = Date.now() - started;
    const [rssAfter, cpuAfter] = [await residentMb(d.receiverUrl), await cpuSeconds(d.receiverUrl)];
    const chunked = await chunkedUpload(d.tracesUrl, headers, CHUNKED_BYTES);
    const declared = await declaredUpload(d.tracesUrl, headers, BOMB_INFLATED_BYTES);
    const up = d.process('receiver') !== undefined && (await answers(`${d.receiverUrl}/healthz`));
    const bombCpuMs = (cpuAfter - cpuBefore) * 1000;
    const chunkedMb = chunked.sentBytes / 1024 / 1024;
    const v = new Verdict().set({
      bomb_kb: Math.round(bomb.length / 1024),
      bomb_status: res?.status ?? 0,
      bomb_ms: bombMillis,
      bomb_cpu_ms: Math.round(bombCpuMs),
      bomb_rss_growth_mb: rssAfter - rssBefore,
      chunked_status: chunked.status,
      chunked_sent_mb: chunkedMb,
      declared_status: declared.status,
      declared_ms: declared.millis,
      receiver_up: up,
    });
    return v
      .require(res?.status === 413, `the gzip bomb got ${res?.status ?? 'no answer'}, not 413`)
      .require(
        bombCpuMs <= MAX_BOMB_CPU_MS,
        `inflating cost ${bombCpuMs.toFixed(0)} ms of CPU: it did not stop near the limit`
      )
      .require(
        rssAfter - rssBefore <= MAX_BOMB_RSS_GROWTH_MB,
        `receiver memory grew ${(rssAfter - rssBefore).toFixed(0)} MB`
      )
      .require(chunked.status === 413, `the chunked oversize body got ${chunked.status || 'no answer'}, not 413`)
      .require(chunkedMb <= MAX_CHUNKED_SENT_MB, `the receiver took in ${chunkedMb.toFixed(0)} MB before refusing`)
      .require(
        declared.status === 413 && declared.millis <= MAX_DECLARED_MS,
        `the declared oversize body got ${declared.status || 'no answer'} after ${declared.millis} ms`
      )
      .require(up, 'the receiver went down')
      .result();
  },
};

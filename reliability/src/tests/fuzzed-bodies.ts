import { waitForDrain } from '../check/queue.js';
import { makeBodies } from '../load/bodies.js';
import { type FuzzCase, fuzzCases } from '../load/fuzz.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { answers, prng, residentMb, scaled } from '../util.js';

const SEED = 20261126;
const CONCURRENCY = 4;
const WARM_UP_CASES = 100;
const SAMPLE_EVERY = 50;
/**
 * Memory: no body may cost more than its capped size (20 MiB), so resident memory stays bounded; V8
 * keeps what it grew into for a while, so growth is allowed some slack rather than none.
 */
const MAX_RSS_PEAK_MB = 400;
const MAX_RSS_GROWTH_MB = 192;

/**
 * 1,000 fuzzed requests built from real SDK bodies (mutated protobuf and JSON, random bytes, deep
 * JSON, bad gzip, wrong content types) with a valid ingest key: never a 5xx, what is surely broken
 * gets a 4xx, the receiver stays up with steady memory, and the processor copes with whatever the
 * receiver accepted (the queue drains).
 */
export const fuzzedBodies: ReliabilityTest = {
  name: 'fuzzed-bodies',
  timeoutSeconds: 120,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'fuzz' });
    const random = prng(SEED);
    const cases = fuzzCases(random, await makeBodies('fuzz', 6, 40), scaled(1000, ctx.scale));
    const byStatus: Record<string, number> = {};
    const wrong: string[] = [];
    let rssAfterWarmUp = NaN;
    let rssPeak = 0;
    let next = 0;
    const send = async (c: FuzzCase): Promise<number> => {
      try {
        const res = await fetch(d.tracesUrl, {
          method: 'POST',
          headers: { ...d.ingestHeaders(), ...c.headers },
          body: c.body,
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    };
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        if (i % SAMPLE_EVERY === 0) {
          const rss = await residentMb(d.receiverUrl);
          if (i === WARM_UP_CASES) rssAfterWarmUp = rss;
          rssPeak = Math.max(rssPeak, rss);
          ctx.log(`case ${i}: receiver rss ${rss.toFixed(1)} MB`);
        }
        const status = await send(c);
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        const ok =
          status >= 400 && status < 500 ? true : status >= 200 && status < 300 ? c.expect === '2xx-or-4xx' : false;
        if (!ok) {
          wrong.push(`${c.kind}: ${status || 'no answer'}`);
          ctx.log(
            `case ${i} ${c.kind} answered ${status}; headers ${JSON.stringify(c.headers)}; body (base64, first 2 KB) ${c.body.subarray(0, 2048).toString('base64')}`
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const rssEnd = await residentMb(d.receiverUrl).catch(() => NaN);
    rssPeak = Math.max(rssPeak, rssEnd);
    const receiverUp = d.process('receiver') !== undefined && (await answers(`${d.receiverUrl}/healthz`));
    const drain = await waitForDrain(d, 60_000);
    const processorUp = d.process('processor') !== undefined;
    const count = (p: (s: number) => boolean) =>
      Object.entries(byStatus).reduce((n, [s, k]) => n + (p(Number(s)) ? k : 0), 0);
    const fivexx = count((s) => s >= 500);
    const v = new Verdict().set({
      cases: cases.length,
      '2xx': count((s) => s >= 200 && s < 300),
      '4xx': count((s) => s >= 400 && s < 500),
      '5xx': fivexx,
      no_answer: byStatus['0'] ?? 0,
      wrong_answers: wrong.length,
      rss_growth_mb: rssEnd - rssAfterWarmUp,
      rss_peak_mb: rssPeak,
      receiver_up: receiverUp,
      processor_up: processorUp,
      pending_left: drain.state.pending,
      dead_lettered: drain.state.deadLettered,
    });
    ctx.log(`statuses: ${JSON.stringify(byStatus)}; wrong: ${wrong.slice(0, 30).join(', ')}`);
    return v
      .require(fivexx === 0, `5xx=${fivexx}`)
      .require(wrong.length === 0, `unexpected answers: ${[...new Set(wrong)].slice(0, 5).join(', ')}`)
      .require(receiverUp && processorUp, 'a service went down')
      .require(
        rssEnd - rssAfterWarmUp <= MAX_RSS_GROWTH_MB,
        `receiver memory grew ${(rssEnd - rssAfterWarmUp).toFixed(0)} MB after the warm-up`
      )
      .require(rssPeak <= MAX_RSS_PEAK_MB, `receiver memory peaked at ${rssPeak.toFixed(0)} MB`)
      .require(
        drain.drained,
        `the processor did not drain what the receiver accepted (pending_left=${drain.state.pending})`
      )
      .result();
  },
};

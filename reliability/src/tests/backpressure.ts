import { join } from 'node:path';
import { check, checkFigures } from '../check/checker.js';
import { RedisServer } from '../env/redis-server.js';
import { makeBodies, type OtlpBody } from '../load/bodies.js';
import { Ledger } from '../load/ledger.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { answers, receiverStatuses, scaled, sleep, until } from '../util.js';
import { probe } from './probe.js';

const MAX_MEMORY = '24mb';
const SENDERS = 4;
/** How long to keep pushing once Redis is full. */
const FULL_FOR_MILLIS = 3000;
const FLOOD_LIMIT_MILLIS = 45_000;

/**
 * Redis at its memory limit (maxmemory, noeviction) with no processor draining it: the receiver
 * answers 503 with Retry-After, never another 5xx, and stays up. Once a processor drains and trims
 * the stream, requests are accepted again, and everything acknowledged before is stored.
 */
export const backpressure: ReliabilityTest = {
  name: 'backpressure',
  timeoutSeconds: 120,
  async run(ctx) {
    const redis = await RedisServer.start({
      dir: join(ctx.world.dir, 'data', `redis-full-${Date.now()}`),
      maxMemory: MAX_MEMORY,
    });
    ctx.defer(() => redis.stop());
    const d = await ctx.deploy({ label: 'backpressure', redis });
    await d.stop('processor');
    const bodies = await makeBodies('bp', scaled(8, ctx.scale), 1000);
    const ledger = new Ledger();
    const seen: Record<string, number> = {};
    let missingRetryAfter = 0;
    let full: number | undefined;
    const started = Date.now();
    const flooding = () =>
      Date.now() - started < FLOOD_LIMIT_MILLIS && (full === undefined || Date.now() - full < FULL_FOR_MILLIS);
    let next = 0;
    const sender = async () => {
      while (flooding()) {
        const body: OtlpBody = bodies[next++ % bodies.length]!;
        const answer = await probe(d.tracesUrl, d.ingestHeaders(), body);
        seen[answer.status] = (seen[answer.status] ?? 0) + 1;
        if (answer.status === 503) {
          full ??= Date.now();
          if (!answer.retryAfter) missingRetryAfter++;
        }
        ledger.add(body.spans, answer.status === 200 ? 'ok' : answer.status === 0 ? 'unknown' : 'failed');
      }
    };
    let healthChecks = 0;
    let healthFailures = 0;
    const health = async () => {
      while (flooding()) {
        healthChecks++;
        if (!(await answers(`${d.receiverUrl}/healthz`))) healthFailures++;
        await sleep(250);
      }
    };
    await Promise.all([...Array.from({ length: SENDERS }, sender), health()]);
    const alive = d.process('receiver') !== undefined;
    const statuses = await receiverStatuses(d.receiverUrl).catch(() => ({}));
    const other5xx = Object.entries({ ...statuses }).reduce(
      (n, [s, count]) => n + (Number(s) >= 500 && s !== '503' ? count : 0),
      0
    );
    // Relief: a processor drains the stream and trims it; Redis takes writes again.
    await d.start('processor');
    const recovered = await until(async () => {
      const answer = await probe(d.tracesUrl, d.ingestHeaders(), bodies[0]!);
      if (answer.status === 200) ledger.add(bodies[0]!.spans, 'ok');
      return answer.status === 200;
    }, 45_000);
    const c = await check(d, ledger);
    ctx.log(
      `check details: ${c.details.join(' | ') || 'none'}; answers: ${JSON.stringify(seen)}; receiver metrics: ${JSON.stringify(statuses)}`
    );
    const v = new Verdict().set({
      ...checkFigures(c),
      '200s': seen['200'] ?? 0,
      '503s': seen['503'] ?? 0,
      retry_after_missing: missingRetryAfter,
      other_5xx:
        other5xx + Object.entries(seen).reduce((n, [s, count]) => n + (Number(s) >= 500 && s !== '503' ? count : 0), 0),
      transport_errors: seen['0'] ?? 0,
      healthz_failures: `${healthFailures}/${healthChecks}`,
      receiver_up: alive,
      recovered,
    });
    return v
      .require(full !== undefined, `Redis never filled up (no 503 within ${FLOOD_LIMIT_MILLIS / 1000} s)`)
      .require((seen['200'] ?? 0) > 0, 'nothing was accepted before Redis filled up')
      .require(missingRetryAfter === 0, `${missingRetryAfter} 503s without Retry-After`)
      .require(v.figures.other_5xx === 0, `other_5xx=${v.figures.other_5xx}`)
      .require((seen['0'] ?? 0) === 0, `${seen['0']} requests got no answer`)
      .require(
        Object.keys(seen).every((s) => s === '200' || s === '503'),
        `unexpected statuses ${JSON.stringify(seen)}`
      )
      .require(alive && healthFailures === 0, 'the receiver went down or stopped answering /healthz')
      .require(recovered, 'requests were still refused after the processor drained the stream')
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .result();
  },
};

import { join } from 'node:path';
import { check, checkFigures } from '../check/checker.js';
import { RedisServer } from '../env/redis-server.js';
import { makeBodies } from '../load/bodies.js';
import { Ledger } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { percentile, receiverStatuses, scaled, sleep, until } from '../util.js';
import { probe, type ProbeAnswer } from './probe.js';

const OUTAGE_MILLIS = 3000;
const PROBE_EVERY_MILLIS = 200;
/** The receiver must answer at once while Redis is down; it has a 2 s command timeout at most. */
const MAX_OUTAGE_ANSWER_MILLIS = 2500;

/**
 * `kill -9` of Redis (append-only file, fsync always: production's durability) while the SDK sends,
 * restarted 3 s later. During the outage the receiver answers 503 with Retry-After, quickly; after
 * it, the SDK's retries and the processor resume, and nothing acknowledged is lost.
 */
export const redisRestart: ReliabilityTest = {
  name: 'redis-restart',
  timeoutSeconds: 120,
  async run(ctx) {
    const redis = await RedisServer.start({
      dir: join(ctx.world.dir, 'data', `redis-aof-${Date.now()}`),
      appendOnly: true,
    });
    ctx.defer(() => redis.stop());
    const d = await ctx.deploy({ label: 'redis', redis });
    const [probeBody] = await makeBodies('redis-probe', 1, 1);
    const decisions = scaled(10_000, ctx.scale);
    const ledger = new Ledger();
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'redis',
      decisions,
      itemsPerRun: 100,
      flushEachStep: true,
      pauseMillis: 30,
      exportTimeoutMillis: 15_000,
      ledger,
    });
    await until(() => ledger.exports.length >= decisions / 170 / 2, 60_000);
    await redis.kill();
    const answers: ProbeAnswer[] = [];
    const outageEnds = Date.now() + OUTAGE_MILLIS;
    while (Date.now() < outageEnds) {
      answers.push(await probe(d.tracesUrl, d.ingestHeaders(), probeBody!));
      await sleep(PROBE_EVERY_MILLIS);
    }
    await redis.launch();
    const load = await loading;
    const c = await check(d, ledger);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}; probes: ${JSON.stringify(answers)}`);
    const statuses = await receiverStatuses(d.receiverUrl);
    const other5xx = Object.entries(statuses).reduce(
      (n, [s, count]) => n + (Number(s) >= 500 && s !== '503' ? count : 0),
      0
    );
    const answered503 = answers.filter((a) => a.status === 503).length;
    const withRetryAfter = answers.filter((a) => a.status === 503 && a.retryAfter).length;
    const counts = ledger.counts();
    const v = new Verdict().set({
      ...checkFigures(c),
      probes: answers.length,
      '503s': answered503,
      retry_after: withRetryAfter,
      other_5xx: other5xx,
      p99_answer_ms: percentile(
        answers.map((a) => a.millis),
        99
      ),
      exports: ledger.exports.length,
      not_ok: counts.failed + counts.unknown,
      sdk_export_failures: load.stats.exportFailures,
    });
    return v
      .require(
        answers.length >= 5 && answered503 === answers.length,
        `${answers.length - answered503} of ${answers.length} requests during the outage were not answered 503`
      )
      .require(withRetryAfter === answered503, 'a 503 came without Retry-After')
      .require(
        answers.every((a) => a.millis <= MAX_OUTAGE_ANSWER_MILLIS),
        `an answer during the outage took over ${MAX_OUTAGE_ANSWER_MILLIS} ms`
      )
      .require(other5xx === 0, `other_5xx=${other5xx}`)
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered}`)
      .require(counts.ok === ledger.exports.length, `the SDK gave up on ${counts.failed + counts.unknown} request(s)`)
      .result();
  },
};

import { check, checkFigures } from '../check/checker.js';
import { bearer, provisionKeys } from '../env/keys.js';
import { makeBodies, type OtlpBody } from '../load/bodies.js';
import { Ledger } from '../load/ledger.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { sleep } from '../util.js';
import { probe, type ProbeAnswer } from './probe.js';

/** The bursting key's quota (spans per second; the receiver allows 2 s of it at once). */
const BURST_KEY_SPANS_PER_SECOND = 20;
const NEIGHBOUR_SPANS_PER_SECOND = 100;
const SECONDS = 5;
const NEIGHBOUR_EVERY_MILLIS = 250;

/**
 * One key sends as fast as it can, far past its quota; a neighbour key (another project) sends
 * steadily within its own. The burster gets 429 with Retry-After, the neighbour never does, and
 * after waiting as told the burster is served again. Everything acknowledged is stored.
 */
export const rateLimit: ReliabilityTest = {
  name: 'rate-limit',
  timeoutSeconds: 60,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'rate' });
    const burster = await provisionKeys(d.redisUrl, `${d.projectId}-burst`, {
      spansPerSecond: BURST_KEY_SPANS_PER_SECOND,
    });
    const neighbour = await provisionKeys(d.redisUrl, `${d.projectId}-steady`, {
      spansPerSecond: NEIGHBOUR_SPANS_PER_SECOND,
    });
    const bodies = await makeBodies('rate', 16, 20);
    const ledgers = { burst: new Ledger(), steady: new Ledger() };
    const answers: Record<'burst' | 'steady', ProbeAnswer[]> = { burst: [], steady: [] };
    const send = async (who: 'burst' | 'steady', key: string, body: OtlpBody) => {
      const answer = await probe(d.tracesUrl, bearer(key), body);
      answers[who].push(answer);
      ledgers[who].add(body.spans, answer.status === 200 ? 'ok' : 'failed');
      return answer;
    };
    const until = Date.now() + SECONDS * 1000;
    let i = 0;
    await Promise.all([
      (async () => {
        while (Date.now() < until) await send('burst', burster.ingestKey, bodies[i++ % bodies.length]!);
      })(),
      (async () => {
        for (let j = 0; Date.now() < until; j++) {
          await send('steady', neighbour.ingestKey, bodies[(j * 7) % bodies.length]!);
          await sleep(NEIGHBOUR_EVERY_MILLIS);
        }
      })(),
    ]);
    const limited = answers.burst.filter((a) => a.status === 429);
    const withRetryAfter = limited.filter((a) => a.retryAfter).length;
    // Told to wait: after Retry-After (whole seconds, at most a couple here), the burster is served.
    await sleep(3000);
    const after = await send('burst', burster.ingestKey, bodies[0]!);
    const checks = await Promise.all([
      check({ ...d, projectId: burster.projectId }, ledgers.burst),
      check({ ...d, projectId: neighbour.projectId }, ledgers.steady),
    ]);
    const count = (list: ProbeAnswer[], status: number) => list.filter((a) => a.status === status).length;
    const v = new Verdict().set({
      ...checkFigures({
        ...checks[0],
        lost: checks[0].lost + checks[1].lost,
        duplicated: checks[0].duplicated + checks[1].duplicated,
        payload_mismatch: checks[0].payload_mismatch + checks[1].payload_mismatch,
      }),
      burst_200s: count(answers.burst, 200),
      burst_429s: limited.length,
      retry_after: withRetryAfter,
      neighbour_200s: count(answers.steady, 200),
      neighbour_429s: count(answers.steady, 429),
      served_after_wait: after.status === 200,
    });
    const others = [...answers.burst, ...answers.steady].filter((a) => a.status !== 200 && a.status !== 429).length;
    return v
      .require(limited.length > 0, 'the bursting key was never limited')
      .require(withRetryAfter === limited.length, `${limited.length - withRetryAfter} 429s without Retry-After`)
      .require(
        count(answers.steady, 429) === 0 && count(answers.steady, 200) === answers.steady.length,
        'the steady neighbour was refused'
      )
      .require(others === 0, `${others} answers other than 200 and 429`)
      .require(after.status === 200, `after waiting, the burster got ${after.status}`)
      .require(
        checks.every((c) => c.lost === 0 && c.duplicated === 0 && c.payload_mismatch === 0),
        'acknowledged requests were not all stored once, as sent'
      )
      .result();
  },
};

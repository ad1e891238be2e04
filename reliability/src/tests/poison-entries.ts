import { check, checkFigures } from '../check/checker.js';
import { type DeadLetter, readDeadLetters, redisClient } from '../check/queue.js';
import { CONTENT_TYPES } from '../load/bodies.js';
import { Ledger } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type Poison, POISONS } from '../load/poison.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled, until } from '../util.js';

/** PROCESSOR_MAX_ATTEMPTS of this test's processor. */
const MAX_ATTEMPTS = 3;
const ATTEMPTS_RE = /after (\d+) attempts/;

/**
 * Entries that make the processor fail (not a message, bad JSON, unknown version, undecodable
 * body, a null span; storage refusing the data: an unparseable time, a run id no URL can hold),
 * mixed into ordinary traffic. Each must end in the dead
 * letters (those storage refuses after PROCESSOR_MAX_ATTEMPTS failed writes), and the rest flows.
 */
export const poisonEntries: ReliabilityTest = {
  name: 'poison-entries',
  timeoutSeconds: 150,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'poison', env: { PROCESSOR_MAX_ATTEMPTS: String(MAX_ATTEMPTS) } });
    const redis = redisClient(d.redisUrl);
    ctx.defer(() => redis.disconnect());
    const ledger = new Ledger();
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'poison',
      decisions: scaled(5000, ctx.scale),
      itemsPerRun: 100,
      flushEachStep: true,
      pauseMillis: 50,
      ledger,
    });
    const written = new Map<string, Poison>();
    const refused: string[] = [];
    for (const [i, poison] of POISONS.entries()) {
      await until(() => ledger.exports.length >= 2 + 3 * i, 30_000);
      const payload = poison.payload(d.projectId);
      if (typeof payload !== 'string') {
        written.set(String(await redis.xadd(d.stream, '*', ...payload)), poison);
        continue;
      }
      const res = await fetch(d.tracesUrl, {
        method: 'POST',
        headers: { ...d.ingestHeaders(), 'content-type': CONTENT_TYPES.json },
        body: payload,
      });
      await res.arrayBuffer();
      if (res.status !== 200) refused.push(`${poison.name} (HTTP ${res.status})`);
    }
    const load = await loading;
    const c = await check(d, ledger, 30_000);
    const letters = await readDeadLetters(redis, d.stream);
    // Where processing stands still, if it does: the oldest entry still pending.
    const [, oldestPending] = (await redis.xpending(d.stream, d.group)) as [number, string | null];
    const stalledAt = oldestPending ? (written.get(oldestPending)?.name ?? oldestPending) : 'none';
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}; dead letters: ${JSON.stringify(letters)}`);

    const attempts = (letter: DeadLetter) => Number(ATTEMPTS_RE.exec(letter.error)?.[1] ?? 0);
    const matched = new Set<DeadLetter>();
    const stuck: string[] = [];
    const wrongTime: string[] = [];
    for (const poison of POISONS) {
      const id = [...written].find(([, p]) => p === poison)?.[0];
      const letter = letters.find(
        (l) => !matched.has(l) && (id ? l.originalId === id : l.content.includes(poison.name))
      );
      if (!letter) {
        if (!refused.some((r) => r.startsWith(poison.name))) stuck.push(poison.name);
        continue;
      }
      matched.add(letter);
      const n = attempts(letter);
      if (poison.expect === 'storage' && n !== MAX_ATTEMPTS) wrongTime.push(`${poison.name} after ${n} attempts`);
      if (poison.expect === 'decode' && n !== 0) wrongTime.push(`${poison.name} after ${n} attempts, not at once`);
    }
    const storage = POISONS.filter((p) => p.expect === 'storage');
    const afterN = storage.filter(
      (p) => !stuck.includes(p.name) && !wrongTime.some((w) => w.startsWith(p.name))
    ).length;
    const stray = letters.length - matched.size;
    const v = new Verdict().set({
      ...checkFigures(c),
      poison: POISONS.length,
      set_aside: `${matched.size}/${POISONS.length}`,
      after_n: `${afterN}/${storage.length}`,
      max_attempts: MAX_ATTEMPTS,
      stray_dead_letters: stray,
      stalled_at: stalledAt,
    });
    return v
      .require(refused.length === 0, `the receiver refused ${refused.join(', ')}`)
      .require(
        stuck.length === 0,
        `never dead-lettered: ${stuck.join(', ')}${stalledAt === 'none' ? '' : ` (processing stalled at ${stalledAt})`}`
      )
      .require(wrongTime.length === 0, `dead-lettered at the wrong time: ${wrongTime.join(', ')}`)
      .require(stray === 0, `${stray} other entries dead-lettered`)
      .require(c.lost === 0, `lost=${c.lost} (the rest did not flow)`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(load.ledger.counts().ok === load.ledger.exports.length, 'not every export was acknowledged')
      .result();
  },
};

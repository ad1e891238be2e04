import { check, checkFigures } from '../check/checker.js';
import { queueState, redisClient } from '../check/queue.js';
import { Ledger } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import type { FaultProxy } from '../proxy.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled, sleep, until } from '../util.js';

const OUTAGE_MILLIS = 5000;
/** A write that had finished just before the cut may still be acknowledged during this. */
const GRACE_MILLIS = 1000;
const LOAD_MILLIS = 15_000;
/** A run of 100 items makes about 170 decisions (filter, then rank of the survivors). */
const DECISIONS_PER_RUN = 170;

/**
 * ClickHouse, then S3, cut off from the processor (connections reset by the fault proxy) for 5 s
 * each while the SDK sends. During each outage nothing is acknowledged in the queue (the entries
 * wait, pending or undelivered) and nothing is dead-lettered; afterwards all of it is stored.
 */
export const storageOutage: ReliabilityTest = {
  name: 'storage-outage',
  timeoutSeconds: 150,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'storage', proxyStorage: true });
    const decisions = scaled(8000, ctx.scale);
    const ledger = new Ledger();
    // Paced to last about LOAD_MILLIS whatever the scale, so traffic keeps coming through both outages.
    const pauseMillis = Math.max(20, Math.round(LOAD_MILLIS / (decisions / DECISIONS_PER_RUN)));
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'storage',
      decisions,
      itemsPerRun: 100,
      flushEachStep: true,
      pauseMillis,
      ledger,
    });
    const redis = redisClient(d.redisUrl);
    ctx.defer(() => redis.disconnect());
    const outage = async (proxy: FaultProxy) => {
      proxy.setMode('reset');
      await sleep(GRACE_MILLIS);
      const before = await queueState(redis, d);
      await sleep(OUTAGE_MILLIS - GRACE_MILLIS);
      const after = await queueState(redis, d);
      proxy.setMode('pass');
      return { acked: after.acknowledged - before.acknowledged, waiting: after.pending > 0 || after.undelivered };
    };
    await until(() => ledger.exports.length >= 6, 60_000);
    const clickhouse = await outage(d.proxies.clickhouse!);
    await sleep(1500);
    const s3 = await outage(d.proxies.s3!);
    const load = await loading;
    const c = await check(d, ledger, 90_000);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    const v = new Verdict().set({
      ...checkFigures(c),
      acked_during_clickhouse_outage: clickhouse.acked,
      acked_during_s3_outage: s3.acked,
      waiting_at_outage_ends: `${clickhouse.waiting}/${s3.waiting}`,
      exports: load.ledger.exports.length,
    });
    return v
      .require(clickhouse.acked === 0, `${clickhouse.acked} entries acknowledged while ClickHouse was unreachable`)
      .require(s3.acked === 0, `${s3.acked} entries acknowledged while S3 was unreachable`)
      .require(
        clickhouse.waiting && s3.waiting,
        'no entry was waiting at the end of an outage: the outage tested nothing'
      )
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered} (an outage must never dead-letter)`)
      .require(load.ledger.counts().ok === load.ledger.exports.length, 'not every export was acknowledged')
      .result();
  },
};

import { PROCESSOR_STAGES, type ProcessorStage } from '@xray/processor';
import { check, checkFigures } from '../check/checker.js';
import { queueState, redisClient } from '../check/queue.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled, sleep } from '../util.js';

const CRASH_AFTER_BATCHES = 2;
const CRASH_WAIT_MILLIS = 30_000;
/** Enough backlog for four crashes of two batches each and a random kill mid-work, whatever the scale. */
const MIN_DECISIONS = 6000;

/**
 * `kill -9` of the processor at each stage of a batch (after read, after the S3 put, after the
 * ClickHouse insert, before the acknowledgement) and at a random moment, restarting it each time,
 * over a backlog built while no processor ran: nothing lost, nothing stored twice.
 */
export const processorCrash: ReliabilityTest = {
  name: 'processor-crash',
  timeoutSeconds: 150,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'pcrash', env: { PROCESSOR_BATCH_ENTRIES: '3' } });
    await d.stop('processor');
    const load = await runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'pcrash',
      decisions: scaled(10_000, ctx.scale, MIN_DECISIONS),
      itemsPerRun: 150,
      flushEachStep: true,
    });
    const crashed: ProcessorStage[] = [];
    for (const stage of PROCESSOR_STAGES)
      if (await d.crashProcessorAt(stage, CRASH_AFTER_BATCHES, CRASH_WAIT_MILLIS)) crashed.push(stage);
    // A healthy processor, killed at a random moment of its work on the backlog.
    await d.start('processor');
    const delay = Math.floor(Math.random() * 600);
    await sleep(delay);
    const redis = redisClient(d.redisUrl);
    const before = await queueState(redis, d).finally(() => redis.disconnect());
    const randomKill = await d.kill('processor');
    await d.start('processor');
    const c = await check(d, load.ledger);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    const v = new Verdict().set({
      ...checkFigures(c),
      stage_crashes: `${crashed.length}/${PROCESSOR_STAGES.length}`,
      random_kill_ms: delay,
      random_kill_mid_work: before.pending > 0 || before.undelivered,
      exports: load.ledger.exports.length,
    });
    return v
      .require(
        crashed.length === PROCESSOR_STAGES.length,
        `no crash at ${PROCESSOR_STAGES.filter((s) => !crashed.includes(s)).join(', ')}`
      )
      .require(randomKill, 'the processor had stopped before the random kill')
      .require(load.ledger.counts().ok === load.ledger.exports.length, 'not every export was acknowledged')
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered}`)
      .result();
  },
};

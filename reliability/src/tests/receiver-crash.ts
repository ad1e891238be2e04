import { check, checkFigures } from '../check/checker.js';
import { Ledger } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled, sleep, until } from '../util.js';

const ITEMS_PER_RUN = 100;
/** Each run is two export requests (filter step; rank step and run) of about 170 decisions. */
const DECISIONS_PER_RUN = 170;
const DOWN_MILLIS = 1000;

/**
 * `kill -9` of the receiver twice while the SDK sends, restarting it a second later on the same
 * port: the SDK's exporter retries, and every request the receiver acknowledged is stored exactly once.
 */
export const receiverCrash: ReliabilityTest = {
  name: 'receiver-crash',
  timeoutSeconds: 120,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'rcrash' });
    const decisions = scaled(10_000, ctx.scale);
    const expectedExports = 2 * Math.ceil(decisions / DECISIONS_PER_RUN);
    const ledger = new Ledger();
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'rcrash',
      decisions,
      itemsPerRun: ITEMS_PER_RUN,
      flushEachStep: true,
      pauseMillis: 20,
      ledger,
    });
    let kills = 0;
    for (const share of [0.25, 0.6]) {
      await until(() => ledger.exports.length >= expectedExports * share, 60_000);
      if (await d.kill('receiver')) kills++;
      await sleep(DOWN_MILLIS);
      await d.start('receiver');
    }
    const load = await loading;
    const c = await check(d, ledger);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    const counts = ledger.counts();
    const v = new Verdict().set({
      ...checkFigures(c),
      kills,
      exports: ledger.exports.length,
      ok: counts.ok,
      failed: counts.failed,
      unknown: counts.unknown,
      sdk_export_failures: load.stats.exportFailures,
    });
    return v
      .require(kills === 2, `receiver killed ${kills} times, not 2`)
      .require(c.lost === 0, `lost=${c.lost} among acknowledged`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered}`)
      .require(
        counts.ok === ledger.exports.length,
        `the SDK gave up on ${counts.failed + counts.unknown} request(s) although the receiver was back within ${DOWN_MILLIS / 1000} s`
      )
      .result();
  },
};

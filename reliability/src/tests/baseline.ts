import { check, checkFigures } from '../check/checker.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled } from '../util.js';

/** No fault: 20k decisions through the whole path; everything acknowledged is stored exactly once. */
export const baseline: ReliabilityTest = {
  name: 'baseline',
  timeoutSeconds: 120,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'baseline' });
    const load = await runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'base',
      decisions: scaled(20_000, ctx.scale),
    });
    const c = await check(d, load.ledger);
    const counts = load.ledger.counts();
    const v = new Verdict().set({
      ...checkFigures(c),
      decisions: load.decisions,
      exports: load.ledger.exports.length,
      failed: counts.failed,
      unknown: counts.unknown,
    });
    v.set({ ingest_s: load.millis / 1000, drain_s: c.drain_ms / 1000 });
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    return v
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered}`)
      .require(c.unexpected === 0, `unexpected=${c.unexpected}`)
      .require(counts.ok === load.ledger.exports.length, 'not every export was acknowledged')
      .require(
        load.ledger.acknowledgedDecisions() === load.decisions,
        `acknowledged decisions ${load.ledger.acknowledgedDecisions()} of ${load.decisions}`
      )
      .result();
  },
};

import { check, checkFigures } from '../check/checker.js';
import { Ledger } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled, sleep } from '../util.js';

/**
 * The control: a deliberately broken processor that acknowledges a batch before writing it, killed
 * right after (test-only fault injection), then replaced by a correct one. The acknowledged entries
 * are gone from the queue but were never stored: the checker must report lost > 0, and this test
 * passes only if it does (a checker that cannot see loss would make every other test worthless).
 */
export const checkerControl: ReliabilityTest = {
  name: 'checker-control',
  timeoutSeconds: 90,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'control', services: [] });
    const broken = await d.startFaultyProcessor({ ackBeforeWrite: true, crashAt: 'after-read', crashAfter: 1 });
    await d.start('receiver');
    const ledger = new Ledger();
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'control',
      decisions: scaled(3000, ctx.scale),
      itemsPerRun: 100,
      flushEachStep: true,
      pauseMillis: 20,
      ledger,
    });
    const crashed = await Promise.race([broken.exited.then(() => true), sleep(30_000).then(() => false)]);
    await d.start('processor');
    const load = await loading;
    const c = await check(d, ledger);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    const v = new Verdict().set({
      ...checkFigures(c),
      broken_processor_crashed: crashed,
      exports: load.ledger.exports.length,
    });
    return v
      .require(crashed, 'the broken processor never reached its crash point')
      .require(load.ledger.counts().ok === load.ledger.exports.length, 'not every export was acknowledged')
      .require(
        c.lost > 0,
        'the checker reported lost=0 for a processor that acknowledged before writing: it cannot see loss'
      )
      .require(c.pending_left === 0, `pending_left=${c.pending_left} (the loss should be invisible to the queue)`)
      .result();
  },
};

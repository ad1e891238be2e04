import { PROCESSOR_STAGES, type ProcessorStage } from '@xray/processor';
import { check, checkFigures } from '../check/checker.js';
import { runLoad } from '../load/generator.js';
import { Ledger } from '../load/ledger.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { readMetrics, scaled, sleep, until } from '../util.js';

/**
 * S3 is cut off this long. The SDK retries a refused upload after the receiver's Retry-After (1 s)
 * and backs off (x1.5 up to 5 s), starting no retry later than its exportTimeoutMillis (10 s) after
 * the first attempt: an outage of 6 s leaves every upload refused at its start a retry after its end.
 */
const OUTAGE_MILLIS = 6000;
const LOAD_MILLIS = 30_000;
/** A run of 100 items makes about 170 decisions (filter, then rank of the survivors). */
const DECISIONS_PER_RUN = 170;
const CRASH_AFTER_BATCHES = 2;
const CRASH_WAIT_MILLIS = 30_000;
/** Time for a backlog to build while no processor runs, before the crashes. */
const BACKLOG_MILLIS = 1500;
const MB = 1024 * 1024;

/**
 * Decisions whose inputs are of mixed sizes (most small, some 20-100 KiB, a few 1-5 MiB) through
 * the real SDK, which uploads every input past its 16 KiB inline limit to the receiver and sends a
 * reference in the span. Meanwhile S3 is cut off (connections reset) from the receiver and the
 * processor for 6 s, then the processor kills itself at each stage of a batch. Afterwards every
 * acknowledged decision is stored once, its input equal to what was made (the large ones read from
 * their content-addressed objects), and the SDK dropped no payload: it retried its uploads through
 * the outage.
 */
export const largePayloads: ReliabilityTest = {
  name: 'large-payloads',
  timeoutSeconds: 180,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'large', proxyStorage: true, env: { PROCESSOR_BATCH_ENTRIES: '3' } });
    const decisions = scaled(6000, ctx.scale, 3000);
    const ledger = new Ledger();
    // Paced to last about LOAD_MILLIS whatever the scale, so uploads keep coming through the outage and the crashes.
    const pauseMillis = Math.max(20, Math.round(LOAD_MILLIS / (decisions / DECISIONS_PER_RUN)));
    const loading = runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'large',
      decisions,
      itemsPerRun: 100,
      flushEachStep: true,
      pauseMillis,
      mixedInputs: true,
      ledger,
    });
    const uploads503 = async () =>
      (await readMetrics(d.receiverUrl)).get('xray_receiver_payload_requests_total{status="503"}') ?? 0;

    // S3 down for the receiver (uploads are answered 503) and the processor (its entries wait).
    await until(() => ledger.exports.length >= 6, 60_000);
    const before = await uploads503();
    d.proxies.s3!.setMode('reset');
    await sleep(OUTAGE_MILLIS);
    d.proxies.s3!.setMode('pass');
    const refusedInOutage = (await uploads503()) - before;

    // Then the processor killed at each stage of a batch, over a backlog and the traffic still coming.
    await d.stop('processor');
    await sleep(BACKLOG_MILLIS);
    const crashed: ProcessorStage[] = [];
    for (const stage of PROCESSOR_STAGES)
      if (await d.crashProcessorAt(stage, CRASH_AFTER_BATCHES, CRASH_WAIT_MILLIS)) crashed.push(stage);
    await d.start('processor');

    const load = await loading;
    const c = await check(d, ledger, 120_000);
    ctx.log(`check details: ${c.details.join(' | ') || 'none'}`);
    ctx.log(`SDK stats: ${JSON.stringify(load.stats)}`);
    const byRef = ledger.acknowledged().reduce((n, s) => n + s.decisions.filter((x) => x.inputRef).length, 0);
    const { referenced, stats } = load;
    const v = new Verdict().set({
      ...checkFigures(c),
      uploads: stats.uploadedPayloads,
      upload_mb: stats.uploadedPayloadBytes / MB,
      dropped_payloads: stats.droppedPayloads,
      inputs_by_ref: referenced.count,
      largest_mb: referenced.largest / MB,
      decisions_by_ref: byRef,
      s3_outage_s: OUTAGE_MILLIS / 1000,
      uploads_503_in_outage: refusedInOutage,
      stage_crashes: `${crashed.length}/${PROCESSOR_STAGES.length}`,
      exports: ledger.exports.length,
    });
    return v
      .require(
        crashed.length === PROCESSOR_STAGES.length,
        `no crash at ${PROCESSOR_STAGES.filter((s) => !crashed.includes(s)).join(', ')}`
      )
      .require(refusedInOutage > 0, 'no upload was refused during the S3 outage: the outage tested no upload')
      .require(
        byRef === referenced.decisions,
        `${referenced.decisions} decisions had inputs past the inline limit, ${byRef} acknowledged by reference`
      )
      .require(stats.droppedPayloads === 0, `the SDK dropped ${stats.droppedPayloads} payloads`)
      .require(
        stats.uploadedPayloads >= referenced.count,
        `${referenced.count} distinct inputs past the inline limit, ${stats.uploadedPayloads} uploaded`
      )
      .require(load.drained, 'the SDK did not export everything at shutdown')
      .require(ledger.counts().ok === ledger.exports.length, 'not every export was acknowledged')
      .require(c.lost === 0, `lost=${c.lost}`)
      .require(c.duplicated === 0, `duplicated=${c.duplicated}`)
      .require(c.payload_mismatch === 0, `payload_mismatch=${c.payload_mismatch}`)
      .require(c.pending_left === 0, `pending_left=${c.pending_left}`)
      .require(c.dead_lettered === 0, `dead_lettered=${c.dead_lettered}`)
      .result();
  },
};

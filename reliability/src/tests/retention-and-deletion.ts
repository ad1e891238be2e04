import { dayOf } from '@xray/core/storage';
import * as C from '@xray/otel';
import { check, type CheckResult } from '../check/checker.js';
import { waitForDrain } from '../check/queue.js';
import { holdsAll, readRunRows, sentRows } from '../check/run-rows.js';
import { SERVICES } from '../env/deployment.js';
import { bearer, createAdminKey, provisionKeys, setProjectRetention } from '../env/keys.js';
import { runLoad } from '../load/generator.js';
import { Ledger, type SentSpan } from '../load/ledger.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { readMetrics, scaled, until } from '../util.js';
import { deleteRunRequest, deleteRunsAsTheyCome } from './run-deletions.js';

/** Project A keeps a day; B keeps the deployment's default (XRAY_RETENTION_DAYS, 30). */
const RETENTION_A_DAYS = 1;
const RETENTION_B_DAYS = 30;
/** Old runs are this many days old: expired under A's retention, kept under B's. */
const OLD_DAYS = 3;
const JANITOR_INTERVAL_MS = 2000;
/** Janitor passes to wait for after the queue drained (the second one started after it). */
const PASSES_AFTER_DRAIN = 2;
const ITEMS_PER_RUN = 100;
/** Between runs of each load, so the deletions land while it runs. */
const PAUSE_MILLIS = 1000;
const MS_PER_DAY = 86_400_000;

/** How far back to move the old runs: to noon (UTC) `OLD_DAYS` days ago, so none crosses a midnight. */
function oldAgeMillis(nowMs: number): number {
  return nowMs - (Math.floor(nowMs / MS_PER_DAY) * MS_PER_DAY - OLD_DAYS * MS_PER_DAY + MS_PER_DAY / 2);
}

/** A counter of the processor's /metrics, summed over its labels. */
async function processorCounter(url: string, name: string): Promise<number> {
  let sum = 0;
  for (const [key, value] of await readMetrics(url)) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}

/** GET /v1/project: the retention the query API answers for the key's project. */
async function answeredRetention(queryUrl: string, headers: Record<string, string>): Promise<string> {
  const body = (await (await fetch(`${queryUrl}/v1/project`, { headers })).json()) as {
    retention?: { days: number; source: string };
  };
  return `${body.retention?.days}/${body.retention?.source}`;
}

/** The runs among `spans` made on `day` (old), or on any other (current). */
const runsOf = (spans: readonly SentSpan[], old: boolean, day: string) =>
  new Set(spans.filter((s) => s.kind === C.SpanKinds.RUN && (dayOf(s.startNanos) === day) === old).map((s) => s.runId));

/**
 * Per-project retention and deletion, end to end. Project A keeps data 1 day, B 30; both send,
 * through the real SDK, current runs and runs 3 days old (expired for A, kept for B). While the
 * load runs, some of B's current runs are deleted with B's admin key (one twice: alreadyDeleted),
 * and B's keys try to delete a run of A (admin: 404, read: 403). After the queue drained, the janitor
 * (every 2 s) made 2 passes and the tables were merged (OPTIMIZE FINAL): what must remain is stored
 * exactly once (lost=0 …), and nothing is left of deleted and expired runs (leftover=0: no row, no
 * span object, the query API answers 410 or 404); B's old runs and A's current runs are all there.
 */
export const retentionAndDeletion: ReliabilityTest = {
  name: 'retention-and-deletion',
  timeoutSeconds: 120,
  async run(ctx) {
    // The projects and their retentions exist before any service: A's first lookup reads 1 day.
    const d = await ctx.deploy({
      label: 'retention',
      services: [],
      env: { XRAY_JANITOR_INTERVAL_MS: String(JANITOR_INTERVAL_MS), XRAY_RETENTION_DAYS: String(RETENTION_B_DAYS) },
    });
    const bKeys = await provisionKeys(d.redisUrl, `${d.projectId}-b`);
    await setProjectRetention(d.redisUrl, d.projectId, RETENTION_A_DAYS);
    const bAdmin = bearer(await createAdminKey(d.redisUrl, bKeys.projectId));
    for (const name of SERVICES) await d.start(name);
    const a = { ...d, projectId: d.projectId, read: d.readHeaders(), ledger: new Ledger() };
    const b = { ...d, projectId: bKeys.projectId, read: bearer(bKeys.readKey), ledger: new Ledger() };
    const retentions = [await answeredRetention(d.queryUrl, a.read), await answeredRetention(d.queryUrl, b.read)];

    const ageMillis = oldAgeMillis(Date.now());
    const oldDay = new Date(Date.now() - ageMillis).toISOString().slice(0, 10);
    const decisions = scaled(1500, ctx.scale);
    const load = (label: string, ingestKey: string, ledger: Ledger, old: boolean) =>
      runLoad({
        endpoint: d.tracesUrl,
        headers: bearer(ingestKey),
        label,
        decisions,
        itemsPerRun: ITEMS_PER_RUN,
        pauseMillis: PAUSE_MILLIS,
        ledger,
        ...(old ? { ageMillis } : {}),
      });
    let loading = true;
    const loads = Promise.all([
      load('ret-a-now', d.keys.ingestKey, a.ledger, false),
      load('ret-a-old', d.keys.ingestKey, a.ledger, true),
      load('ret-b-now', bKeys.ingestKey, b.ledger, false),
      load('ret-b-old', bKeys.ingestKey, b.ledger, true),
    ]).finally(() => {
      loading = false;
      ctx.log('the loads are over');
    });

    // B's current runs deleted as they are stored; the first deleted again; B's keys against a run of A.
    const round = await deleteRunsAsTheyCome({
      queryUrl: d.queryUrl,
      admin: bAdmin,
      storage: b,
      ledger: b.ledger,
      eligible: (run) => dayOf(run.startNanos) !== oldDay,
      count: scaled(4, ctx.scale),
      loading: () => loading,
      timeoutMillis: 60_000,
      log: ctx.log,
    });
    const first = round.deleted[0];
    const again = first ? await deleteRunRequest(d.queryUrl, bAdmin, first.runId) : undefined;
    const runOfA = [...runsOf(a.ledger.acknowledged(), false, oldDay)][0] ?? '0'.repeat(32);
    const crossAdmin = (await deleteRunRequest(d.queryUrl, bAdmin, runOfA)).status;
    const crossRead = (await deleteRunRequest(d.queryUrl, b.read, runOfA)).status;
    const loaded = await loads;

    // Drained; then the janitor's passes (the second began after the drain), then merges for the TTL.
    const drain = await waitForDrain(d, 60_000);
    const passesAt = async () => processorCounter(d.processorUrl, 'xray_processor_janitor_passes_total');
    const passesBefore = await passesAt();
    const passed = await until(async () => (await passesAt()) >= passesBefore + PASSES_AFTER_DRAIN, 30_000);
    await d.mergeTables();

    const [ca, cb] = await Promise.all([
      check(a, a.ledger, 30_000, { retentionDays: RETENTION_A_DAYS, query: { url: d.queryUrl, headers: a.read } }),
      check(b, b.ledger, 30_000, { retentionDays: RETENTION_B_DAYS, query: { url: d.queryUrl, headers: b.read } }),
    ]);
    for (const [name, c] of [
      ['A', ca],
      ['B', cb],
    ] as const)
      ctx.log(`check details ${name}: ${c.details.join(' | ') || 'none'}`);
    const oldOfA = runsOf(a.ledger.acknowledged(), true, oldDay);
    const oldOfB = runsOf(b.ledger.acknowledged(), true, oldDay);
    const sentOldB = sentRows(b.ledger.acknowledged().filter((s) => oldOfB.has(s.runId)));
    const storedOldB = await readRunRows(b, [...oldOfB]);
    const keptOld = [...oldOfB].filter((id) => holdsAll(storedOldB.get(id), sentOldB.get(id)!)).length;
    const badAnswers = round.deleted.filter(
      ({ sent, answer }) =>
        answer.deletion?.alreadyDeleted !== false ||
        answer.deletion.removed.runs !== sent.runs ||
        answer.deletion.removed.steps !== sent.steps ||
        answer.deletion.removed.decisions !== sent.decisions ||
        answer.deletion.removed.objects === 0
    );
    const objectsDeleted = await processorCounter(d.processorUrl, 'xray_processor_janitor_objects_deleted_total');
    const both = (f: (c: CheckResult) => number) => f(ca) + f(cb);
    const exports = [...a.ledger.exports, ...b.ledger.exports];
    const v = new Verdict().set({
      lost: both((c) => c.lost),
      duplicated: both((c) => c.duplicated),
      payload_mismatch: both((c) => c.payload_mismatch),
      pending_left: drain.state.pending,
      dead_lettered: drain.state.deadLettered,
      leftover: both((c) => c.leftover),
      deleted_runs: cb.deleted_runs,
      deleted_while_loading: round.deleted.filter((x) => x.whileLoading).length,
      expired_runs: ca.expired_runs + cb.expired_runs,
      kept_old_runs: keptOld,
      janitor_passes: await passesAt(),
      objects_deleted: objectsDeleted,
      partitions_dropped: await processorCounter(d.processorUrl, 'xray_processor_janitor_partitions_dropped_total'),
      acked: both((c) => c.acked),
      unexpected: both((c) => c.unexpected),
      runs: loaded.reduce((n, l) => n + l.runs, 0),
    });
    return (
      v
        .require(
          retentions.join(' ') === `${RETENTION_A_DAYS}/project ${RETENTION_B_DAYS}/default`,
          `GET /v1/project answered ${retentions.join(', ')}`
        )
        .require(
          exports.every((e) => e.outcome === 'ok'),
          'not every export was acknowledged'
        )
        .require(
          drain.drained && passed,
          drain.drained ? 'the janitor made no 2 passes in 30 s' : 'the queue did not drain'
        )
        .require(both((c) => c.lost) === 0, `lost=${both((c) => c.lost)}`)
        .require(
          both((c) => c.duplicated + c.payload_mismatch + c.unexpected) === 0,
          'stored data differs from what was sent'
        )
        .require(both((c) => c.leftover) === 0, `leftover=${both((c) => c.leftover)}`)
        .require(
          round.deleted.length === scaled(4, ctx.scale),
          `deleted ${round.deleted.length} runs, refused: ${JSON.stringify(round.refused)}`
        )
        .require(
          round.deleted.some((x) => x.whileLoading),
          'no run was deleted while the load ran'
        )
        .require(
          badAnswers.length === 0,
          `RunDeletion answers not as the run was stored: ${badAnswers.map((x) => x.runId).join(', ')}`
        )
        .require(
          again?.status === 200 && again.deletion?.alreadyDeleted === true,
          `the second DELETE answered ${again?.status}, alreadyDeleted ${again?.deletion?.alreadyDeleted}`
        )
        .require(crossAdmin === 404, `B's admin key deleting a run of A: ${crossAdmin}, expected 404`)
        .require(crossRead === 403, `B's read key deleting a run of A: ${crossRead}, expected 403`)
        .require(
          oldOfA.size > 0 && ca.expired_runs === oldOfA.size && cb.expired_runs === 0,
          `expired runs: A ${ca.expired_runs} of ${oldOfA.size} old, B ${cb.expired_runs}`
        )
        // A's old span objects were written (the processor stores them whatever their day); the janitor removed them.
        .require(objectsDeleted > 0, 'the janitor deleted no object: nothing of A had expired in S3')
        .require(oldOfB.size > 0 && keptOld === oldOfB.size, `B keeps ${keptOld} of its ${oldOfB.size} old runs`)
        .result()
    );
  },
};

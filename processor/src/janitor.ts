/**
 * The janitor: every interval, one processor of the deployment (a Redis lock) removes what must go
 * (core/src/retention): deletions left unfinished, projects being deleted, rows whose project's
 * retention changed, expired partitions and expired day prefixes. It never throws: each failure is
 * logged once and retried on the next pass.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { finishProjectDeletion, type KeyStore, type ProjectRecord, retentionOf } from '@xray/auth';
import {
  deleteRun,
  dropExpiredPartitions,
  expireObjects,
  pendingDeletions,
  purgeProject,
  restampProject,
  type RetentionDeps,
} from '@xray/core/retention';
import type { Logger } from '@xray/core/service';
import type { Redis } from 'ioredis';
import { emptyPass, type JanitorPass, type JanitorStats, passSummary } from './janitor-pass.js';

export { type JanitorPass, type JanitorStats } from './janitor-pass.js';

export interface JanitorOptions {
  /** Holds the lock that lets one janitor of the deployment run at a time. */
  redis: Redis;
  /** The lock's key (e.g. `<stream>:janitor`); the time of the last pass is kept at `<lockKey>:last`. */
  lockKey: string;
  keyStore: KeyStore;
  /** The deployment's retention (XRAY_RETENTION_DAYS), for projects without their own. */
  defaultDays: number;
  deps: RetentionDeps;
  /** Sets the bucket's lifecycle rules (best effort; false: the store has none). Absent: none are set. */
  lifecycle?: (projects: { id: string; days: number }[]) => Promise<boolean>;
  /** Between passes; 0: no timer (runOnce still works). */
  intervalMillis: number;
  logger: Logger;
  /** How long after `deletingSince` a project's records are removed (default 10 minutes). */
  graceMillis?: number;
  /** How long a project's retention must be seen unchanged before its rows are rewritten (default 5 minutes). */
  settleMillis?: number;
  now?: () => number;
}

/** Late spans of a deleted project (in the stream, or let in by a receiver's cached key) arrive within this. */
export const DELETION_GRACE_MS = 10 * 60_000;
/** Processors look a project's retention up again within a minute (createRetentionLookup); this is well past it. */
export const RETENTION_SETTLE_MS = 5 * 60_000;
/** A run deletion (DELETE /v1/runs/{id}) takes seconds: one pending for longer than this was interrupted. */
export const DELETION_RUNNING_MS = 60_000;
/** How long the lock lives unless its holder extends it (it does, every third of this, while a pass runs). */
const LOCK_MILLIS = 60_000;
/** The first pass after start comes at most this late, so a processor restarted often still runs one. */
const FIRST_PASS_MAX_DELAY_MS = 60_000;

const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class Janitor {
  readonly stats: JanitorStats = { passes: 0, objectsDeleted: 0, partitionsDropped: 0, rowsDropped: 0, failures: 0 };
  readonly #o: JanitorOptions;
  readonly #now: () => number;
  readonly #owner = randomBytes(12).toString('hex');
  /** Each project's retention as first seen, and since when (a change settles before rows are rewritten). */
  readonly #seen = new Map<string, { days: number; sinceMs: number }>();
  /** Failures logged by the previous pass: logged again only once they stopped and came back. */
  #reported = new Set<string>();
  #lifecycleSupported = true;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: JanitorOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts the timer (nothing when the interval is 0). */
  start(): void {
    if (this.#o.intervalMillis <= 0) return;
    this.#schedule(Math.min(this.#o.intervalMillis, FIRST_PASS_MAX_DELAY_MS));
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /**
   * One pass, if this janitor gets the lock; undefined when another holds it. Pending deletions,
   * then each project (purged while being deleted, else its rows rewritten to a changed retention),
   * then expired partitions, then each project's expired day prefixes, then the lifecycle rules.
   */
  async runOnce(nowMs = this.#now()): Promise<JanitorPass | undefined> {
    const { redis, lockKey } = this.#o;
    if (this.#stopped || (await redis.set(lockKey, this.#owner, 'PX', LOCK_MILLIS, 'NX')) !== 'OK') return undefined;
    const heartbeat = setInterval(() => {
      redis.eval(EXTEND, 1, lockKey, this.#owner, LOCK_MILLIS).catch(() => undefined);
    }, LOCK_MILLIS / 3);
    try {
      const pass = await this.#pass(nowMs);
      // A pass cut short by stop() leaves the next timed pass to whichever processor comes first.
      if (!this.#stopped) await redis.set(`${lockKey}:last`, String(nowMs));
      return pass;
    } finally {
      clearInterval(heartbeat);
      await redis.eval(RELEASE, 1, lockKey, this.#owner).catch(() => undefined);
    }
  }

  async #pass(nowMs: number): Promise<JanitorPass> {
    const started = performance.now();
    const pass = emptyPass();
    const failed = new Set<string>();
    const attempt = async (what: string, work: () => Promise<void>) => {
      // Stopping: what is left waits for the next pass (of this processor or another).
      if (this.#stopped) return;
      try {
        await work();
      } catch (err) {
        pass.failures++;
        const line = `janitor: ${what} failed: ${(err as Error).message}; the next pass tries again`;
        if (!this.#reported.has(line)) this.#o.logger.warn(line);
        failed.add(line);
      }
    };
    const { deps, keyStore } = this.#o;

    await attempt('finishing run deletions', async () => {
      // Not those started within the last minute: the query API is most likely still running them.
      for (const d of await pendingDeletions(deps.sql, nowMs - DELETION_RUNNING_MS))
        await attempt(`deleting run ${d.runId} of ${d.projectId}`, async () => {
          const deletion = await deleteRun(deps, d.projectId, d.runId);
          pass.deletionsFinished++;
          pass.objectsDeleted += deletion?.removed.objects ?? 0;
        });
    });
    let projects: ProjectRecord[] = [];
    await attempt('listing projects', async () => {
      projects = await keyStore.listProjects();
    });
    const kept: { id: string; days: number }[] = [];
    for (const project of projects) {
      if (project.deletingSince !== undefined) {
        await attempt(`purging project ${project.id}`, () => this.#purge(project, nowMs, pass));
        continue;
      }
      const days = retentionOf(project, this.#o.defaultDays).days;
      kept.push({ id: project.id, days });
      if (this.#settled(project.id, days, nowMs))
        await attempt(`rewriting the rows of ${project.id} to its ${days}-day retention`, async () => {
          pass.rowsRestamped += (await restampProject(deps, project.id, days)).rows;
        });
    }
    await attempt('dropping expired partitions', async () => {
      const dropped = await dropExpiredPartitions(deps, nowMs);
      pass.partitionsDropped += dropped.partitions.length;
      pass.rowsDropped += dropped.rows;
    });
    for (const { id, days } of kept)
      await attempt(`deleting expired objects of ${id}`, async () => {
        const expired = await expireObjects(deps, id, days, nowMs);
        pass.objectsDeleted += expired.objects;
        pass.daysKept += expired.kept.length;
      });
    if (this.#o.lifecycle && this.#lifecycleSupported)
      await attempt('setting the bucket’s lifecycle rules', async () => {
        this.#lifecycleSupported = await this.#o.lifecycle!(kept);
        if (!this.#lifecycleSupported)
          this.#o.logger.info(
            'janitor: the object store has no lifecycle rules; expired objects are deleted by the janitor alone'
          );
      });

    this.#reported = failed;
    pass.seconds = (performance.now() - started) / 1000;
    this.stats.passes++;
    this.stats.objectsDeleted += pass.objectsDeleted;
    this.stats.partitionsDropped += pass.partitionsDropped;
    this.stats.rowsDropped += pass.rowsDropped;
    this.stats.failures += pass.failures;
    this.stats.lastPassMs = nowMs;
    this.stats.lastPassSeconds = pass.seconds;
    this.#o.logger.info(passSummary(pass));
    return pass;
  }

  /** Removes a project's data; once its grace has passed (this purge came after it), its records too. */
  async #purge(project: ProjectRecord, nowMs: number, pass: JanitorPass): Promise<void> {
    const purged = await purgeProject(this.#o.deps, project.id);
    pass.projectsPurged++;
    pass.objectsDeleted += purged.objects;
    pass.rowsPurged += purged.rows;
    if (nowMs - Date.parse(project.deletingSince!) < (this.#o.graceMillis ?? DELETION_GRACE_MS)) return;
    await finishProjectDeletion(this.#o.keyStore, project.id);
    pass.projectsFinished.push(project.id);
  }

  /** True once `days` has been the project's retention long enough for every processor to stamp it. */
  #settled(projectId: string, days: number, nowMs: number): boolean {
    const seen = this.#seen.get(projectId);
    if (seen === undefined || seen.days !== days) {
      this.#seen.set(projectId, { days, sinceMs: nowMs });
      return (this.#o.settleMillis ?? RETENTION_SETTLE_MS) <= 0;
    }
    return nowMs - seen.sinceMs >= (this.#o.settleMillis ?? RETENTION_SETTLE_MS);
  }

  #schedule(delayMillis: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => this.#schedule(this.#o.intervalMillis));
    }, delayMillis);
    this.#timer.unref();
  }

  /** A timed pass, unless another processor's janitor ran one within most of an interval. */
  async #tick(): Promise<void> {
    try {
      const last = Number(await this.#o.redis.get(`${this.#o.lockKey}:last`));
      if (this.#now() - last < this.#o.intervalMillis * 0.9) return;
      await this.runOnce();
    } catch (err) {
      this.#o.logger.warn(
        `janitor: pass skipped: ${(err as Error).message}; trying again in ${this.#o.intervalMillis} ms`
      );
    }
  }
}

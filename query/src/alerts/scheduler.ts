/**
 * The periodic evaluator. Every interval it walks the projects' rules; a Redis claim (SET NX PX)
 * lets exactly one query API replica evaluate a rule per interval. State changes are stored before
 * the webhook is called, so a rule that stays firing notifies once, whichever replica evaluates it.
 */
import type { RowReader } from '../store.js';
import { evaluateRule } from './evaluate.js';
import type { AlertNotification, Notify } from './notify.js';
import type { AlertRule, RuleState } from '@xray/core/api';
import { isFiring } from './rules.js';
import type { AlertStore } from './store.js';

export interface SchedulerOptions {
  store: AlertStore;
  rows: RowReader;
  notify: Notify;
  /** Between evaluations of each rule; 0 disables evaluation. */
  intervalMillis: number;
  /**
   * Whether a project belongs to this deployment (its key store knows it). Rules of other projects
   * sharing the Redis prefix (a test or benchmark stack on a developer's Redis) are left alone.
   */
  knowsProject?: (project: string) => Promise<boolean>;
  log?: (line: string) => void;
  now?: () => number;
}

export interface AlertScheduler {
  /** One evaluation pass over every rule this replica can claim (what the timer runs). */
  tick(): Promise<void>;
  /** Stops the timer, waits for the pass in progress and (briefly) for pending deliveries. */
  stop(): Promise<void>;
}

/** Starts evaluating alert rules every `intervalMillis` (not at all when it is 0). */
export function startAlertScheduler(o: SchedulerOptions): AlertScheduler {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => undefined);
  // Claimed for a little less than the interval, so this replica's next pass can claim it again.
  const claimMillis = Math.max(1, o.intervalMillis - Math.min(1000, Math.floor(o.intervalMillis / 10)));
  const deliveries = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastError = '';

  const deliver = (project: string, rule: AlertRule, notification: AlertNotification) => {
    const key = `${project}\u0000${rule.id}`;
    // One rule's notifications go out in order: resolved never overtakes its firing.
    const next = (deliveries.get(key) ?? Promise.resolve())
      .then(async () => {
        const error = await o.notify(rule.webhook, notification);
        if (error) log(`alert ${rule.id} (${project}): ${notification.state} notification not delivered: ${error}`);
        await o.store.recordDelivery(project, rule.id, error);
      })
      .catch((err: Error) => log(`alert ${rule.id} (${project}): delivery bookkeeping failed: ${err.message}`));
    deliveries.set(key, next);
    void next.finally(() => {
      if (deliveries.get(key) === next) deliveries.delete(key);
    });
  };

  const evaluate = async (project: string, rule: AlertRule) => {
    const before = await o.store.getState(project, rule.id);
    const nowMs = now();
    const at = new Date(nowMs).toISOString();
    let evaluation;
    try {
      evaluation = await evaluateRule(o.rows, project, rule, nowMs);
    } catch (err) {
      const { notifications: _, ...kept } = before;
      await o.store.putState(project, rule.id, {
        ...kept,
        lastEvaluatedAt: at,
        evaluationError: (err as Error).message,
      });
      return;
    }
    const status = isFiring(rule, evaluation.value) ? 'firing' : 'ok';
    const changed = status !== before.status;
    const value = evaluation.value ?? null;
    const state: RuleState = {
      status,
      since: changed || before.since === null ? at : before.since,
      lastValue: value,
      lastEvaluatedAt: at,
      evaluationError: null,
    };
    await o.store.putState(project, rule.id, state);
    if (!changed) return;
    const transition = status === 'firing' ? 'firing' : 'resolved';
    await o.store.addEvent(project, {
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      state: transition,
      value,
      threshold: rule.threshold,
      at,
      details: evaluation.details,
    });
    deliver(project, rule, {
      rule: { id: rule.id, name: rule.name, kind: rule.kind },
      state: transition,
      value,
      threshold: rule.threshold,
      window: evaluation.window,
      project,
      at,
      details: evaluation.details,
    });
  };

  const tick = async () => {
    try {
      for (const project of await o.store.projects()) {
        if (o.knowsProject && !(await o.knowsProject(project))) continue;
        for (const rule of await o.store.listRules(project)) {
          if (stopped) return;
          if (await o.store.claim(project, rule.id, claimMillis)) await evaluate(project, rule);
        }
      }
      lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      // Logged once per distinct failure (e.g. Redis down), not every interval.
      if (message !== lastError) log(`alert evaluation failed: ${message}`);
      lastError = message;
    }
  };

  const loop = () => {
    running = tick().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(loop, o.intervalMillis);
    });
  };
  if (o.intervalMillis > 0) timer = setTimeout(loop, o.intervalMillis);

  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.race([Promise.allSettled(deliveries.values()), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}

/** Alert rules, their state and their recent transitions, in Redis under one prefix. */
import { randomBytes } from 'node:crypto';
import { lazyRedis } from '@xray/auth';
import {
  type AlertEvent,
  type AlertRule,
  type AlertRuleSpec,
  type DeliveryCounts,
  MAX_EVENTS,
  MAX_RULES,
  type RuleState,
} from '@xray/core/api';

export const INITIAL_STATE: RuleState = {
  status: 'ok',
  since: null,
  lastValue: null,
  lastEvaluatedAt: null,
  evaluationError: null,
};
/**
 * The key layout, in one place. Per project: `<p>:<project>:rules` (hash rule id -> rule JSON),
 * `:state` (hash rule id -> state JSON), `:deliveries` (hash `<rule id>:sent|failed|error`),
 * `:events` (list of transition JSON, newest first). `<p>:projects` is the set of projects with
 * rules (what the evaluator walks); `<p>:lock:<project>:<rule id>` marks a rule evaluated this interval.
 */
export function alertKeys(prefix: string) {
  return {
    projects: `${prefix}:projects`,
    rules: (project: string) => `${prefix}:${project}:rules`,
    state: (project: string) => `${prefix}:${project}:state`,
    deliveries: (project: string) => `${prefix}:${project}:deliveries`,
    events: (project: string) => `${prefix}:${project}:events`,
    lock: (project: string, ruleId: string) => `${prefix}:lock:${project}:${ruleId}`,
  };
}

/** Rules and alert state of every project. */
export interface AlertStore {
  /** Stores a new rule; `undefined` when the project already has {@link MAX_RULES}. */
  createRule(project: string, spec: AlertRuleSpec): Promise<AlertRule | undefined>;
  listRules(project: string): Promise<AlertRule[]>;
  getRule(project: string, ruleId: string): Promise<AlertRule | undefined>;
  /** Removes the rule and its state; false when there was no such rule. */
  deleteRule(project: string, ruleId: string): Promise<boolean>;
  getState(project: string, ruleId: string): Promise<RuleState & { notifications: DeliveryCounts }>;
  putState(project: string, ruleId: string, state: RuleState): Promise<void>;
  addEvent(project: string, event: AlertEvent): Promise<void>;
  listEvents(project: string, limit: number): Promise<AlertEvent[]>;
  recordDelivery(project: string, ruleId: string, error: string | undefined): Promise<void>;
  /** Projects that have (or had) rules. */
  projects(): Promise<string[]>;
  /** Claims the rule's evaluation for `millis` across all replicas; true for the one that got it. */
  claim(project: string, ruleId: string, millis: number): Promise<boolean>;
  close(): Promise<void>;
}

/** {@link AlertStore} on Redis; `url` as in REDIS_URL. Commands fail fast while Redis is down. */
export function redisAlertStore(url: string, prefix: string): AlertStore {
  const connection = lazyRedis(url);
  const ready = () => connection.ready();
  const keys = alertKeys(prefix);
  const owner = randomBytes(8).toString('hex');

  return {
    async createRule(project, spec) {
      const r = await ready();
      if ((await r.hlen(keys.rules(project))) >= MAX_RULES) return undefined;
      const rule: AlertRule = { id: randomBytes(8).toString('hex'), createdAt: new Date().toISOString(), ...spec };
      await r.multi().hset(keys.rules(project), rule.id, JSON.stringify(rule)).sadd(keys.projects, project).exec();
      return rule;
    },
    async listRules(project) {
      const all = await (await ready()).hgetall(keys.rules(project));
      return Object.values(all)
        .map((raw) => JSON.parse(raw) as AlertRule)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async getRule(project, ruleId) {
      const raw = await (await ready()).hget(keys.rules(project), ruleId);
      return raw === null ? undefined : (JSON.parse(raw) as AlertRule);
    },
    async deleteRule(project, ruleId) {
      const result = await (
        await ready()
      )
        .multi()
        .hdel(keys.rules(project), ruleId)
        .hdel(keys.state(project), ruleId)
        .hdel(keys.deliveries(project), `${ruleId}:sent`, `${ruleId}:failed`, `${ruleId}:error`)
        .exec();
      return result?.[0]?.[1] === 1;
    },
    async getState(project, ruleId) {
      const r = await ready();
      const [raw, [sent, failed, error]] = await Promise.all([
        r.hget(keys.state(project), ruleId),
        r.hmget(keys.deliveries(project), `${ruleId}:sent`, `${ruleId}:failed`, `${ruleId}:error`),
      ]);
      const state = raw === null ? INITIAL_STATE : (JSON.parse(raw) as RuleState);
      return {
        ...state,
        notifications: { sent: Number(sent ?? 0), failed: Number(failed ?? 0), lastError: error ?? null },
      };
    },
    async putState(project, ruleId, state) {
      const r = await ready();
      // A rule deleted during its evaluation keeps no state behind.
      if (await r.hexists(keys.rules(project), ruleId))
        await r.hset(keys.state(project), ruleId, JSON.stringify(state));
    },
    async addEvent(project, event) {
      await (
        await ready()
      )
        .multi()
        .lpush(keys.events(project), JSON.stringify(event))
        .ltrim(keys.events(project), 0, MAX_EVENTS - 1)
        .exec();
    },
    async listEvents(project, limit) {
      return (await (await ready()).lrange(keys.events(project), 0, limit - 1)).map(
        (raw) => JSON.parse(raw) as AlertEvent
      );
    },
    async recordDelivery(project, ruleId, error) {
      const r = await ready();
      if (error === undefined) await r.hincrby(keys.deliveries(project), `${ruleId}:sent`, 1);
      else
        await r
          .multi()
          .hincrby(keys.deliveries(project), `${ruleId}:failed`, 1)
          .hset(keys.deliveries(project), `${ruleId}:error`, error)
          .exec();
    },
    async projects() {
      return (await ready()).smembers(keys.projects);
    },
    async claim(project, ruleId, millis) {
      return (await (await ready()).set(keys.lock(project, ruleId), owner, 'PX', millis, 'NX')) === 'OK';
    },
    async close() {
      connection.close();
    },
  };
}

/**
 * Alert rules (`/v1/alerts/*`): what a client sends to create one, what the API answers, and the
 * limits it enforces. The query API validates rule bodies against these (query/src/alerts/rules.ts).
 */

/** A step's elimination ratio (sum of eliminated / sum of input over the window's steps) crossing a threshold. */
export interface EliminationRatioRule {
  kind: 'elimination_ratio';
  pipeline: string;
  step: string;
  condition: 'above' | 'below';
}

/**
 * The share of one reason (by code, or by text) among a step's recorded decisions: above or below a
 * threshold, or changed by more than `threshold` (a share: 0.2 = 20 points) against the previous window.
 */
export interface ReasonShareRule {
  kind: 'reason_share';
  pipeline: string;
  step: string;
  condition: 'above' | 'below' | 'change';
  reasonCode?: string;
  reason?: string;
  /** Count only decisions with this outcome (default: all). */
  outcome?: 'kept' | 'eliminated' | 'scored';
}

/** Any watch-listed item eliminated (by any step of any pipeline of the project) in the window. */
export interface ItemEliminatedRule {
  kind: 'item_eliminated';
  items: string[];
}

/** What a client sends to create a rule. */
export type AlertRuleSpec = (EliminationRatioRule | ReasonShareRule | ItemEliminatedRule) & {
  name: string;
  /** 0–1 for ratios and shares; ignored (0) for item_eliminated, which fires on any eliminated item. */
  threshold: number;
  windowSeconds: number;
  /** http or https URL that receives the notifications. */
  webhook: string;
};

/** A stored rule. */
export type AlertRule = AlertRuleSpec & { id: string; createdAt: string };

export const RULE_KINDS = ['elimination_ratio', 'reason_share', 'item_eliminated'] as const;
export const MAX_WATCHED_ITEMS = 1000;
export const MAX_WINDOW_SECONDS = 30 * 24 * 3600;
/** Where a rule stands after its last evaluation. */
export interface RuleState {
  status: 'ok' | 'firing';
  /** When the rule entered its current status (ISO-8601); null before its first evaluation. */
  since: string | null;
  /** The last evaluated value; null when the window held no data. */
  lastValue: number | null;
  lastEvaluatedAt: string | null;
  /** Why the last evaluation failed, if it did (the status is then kept). */
  evaluationError: string | null;
}

/** Webhook deliveries of a rule's notifications. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  lastError: string | null;
}

/** One firing or resolved transition, as notified. */
export interface AlertEvent {
  ruleId: string;
  ruleName: string;
  kind: AlertRule['kind'];
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  at: string;
  details: unknown[];
}

/** Rules per project. */
export const MAX_RULES = 100;
/** Transitions kept per project. */
export const MAX_EVENTS = 500;

/** `GET /v1/alerts/rules/{ruleId}`: a rule with where it stands and how its notifications went. */
export type AlertRuleWithState = AlertRule & { state: RuleState & { notifications: DeliveryCounts } };

/** `GET /v1/alerts/rules` */
export interface AlertRuleListResponse {
  rules: AlertRule[];
}

/** `GET /v1/alerts/events` */
export interface AlertEventListResponse {
  events: AlertEvent[];
}

/**
 * Alert rules (`/v1/alerts/*`): what a client sends to create one, what the API answers, and the
 * limits it enforces. The query API checks rule bodies against these (query/src/alerts/rules.ts).
 */
import { z } from 'zod';
import { IsoTime } from './convert.js';

export const RULE_KINDS = ['elimination_ratio', 'reason_share', 'item_eliminated'] as const;
export const MAX_WATCHED_ITEMS = 1000;
export const MAX_WINDOW_SECONDS = 30 * 24 * 3600;
/** Longest pipeline, step, reason code, reason or item id in a rule. */
export const MAX_RULE_TEXT = 512;
/** Rules per project. */
export const MAX_RULES = 100;
/** Transitions kept per project. */
export const MAX_EVENTS = 500;

const Text = z.string().min(1).max(MAX_RULE_TEXT);

/** A step's elimination ratio (sum of eliminated / sum of input over the window's steps) crossing a threshold. */
export const EliminationRatioRule = z.object({
  kind: z.literal('elimination_ratio'),
  pipeline: Text,
  step: Text,
  condition: z.enum(['above', 'below']),
});
export type EliminationRatioRule = z.infer<typeof EliminationRatioRule>;

/**
 * The share of one reason (by code, or by text) among a step's recorded decisions: above or below a
 * threshold, or changed by more than `threshold` (a share: 0.2 = 20 points) against the previous window.
 */
export const ReasonShareRule = z.object({
  kind: z.literal('reason_share'),
  pipeline: Text,
  step: Text,
  condition: z.enum(['above', 'below', 'change']),
  reasonCode: Text.optional().describe('Exactly one of reasonCode (a code the SDK sent) or reason (the text).'),
  reason: Text.optional(),
  outcome: z
    .enum(['kept', 'eliminated', 'scored'])
    .optional()
    .describe('Count only decisions with this outcome (default: all).'),
});
export type ReasonShareRule = z.infer<typeof ReasonShareRule>;

/** Any watch-listed item eliminated (by any step of any pipeline of the project) in the window. */
export const ItemEliminatedRule = z.object({
  kind: z.literal('item_eliminated'),
  items: z.array(Text).min(1).max(MAX_WATCHED_ITEMS),
});
export type ItemEliminatedRule = z.infer<typeof ItemEliminatedRule>;

const Name = z.string().min(1).max(200);
const RuleCommon = {
  name: Name,
  threshold: z
    .number()
    .min(0)
    .max(1)
    .describe('0-1 for ratios and shares; 0 for item_eliminated, which fires on any eliminated item.'),
  windowSeconds: z.int().min(1).max(MAX_WINDOW_SECONDS),
  webhook: z.string().max(2048).describe('http or https URL that receives the notifications.'),
};

/** The three kinds of rule, each with the common fields and `extra`. */
function ruleOf<S extends z.ZodRawShape>(extra: S) {
  return z.discriminatedUnion('kind', [
    EliminationRatioRule.extend({ ...RuleCommon, ...extra }),
    ReasonShareRule.extend({ ...RuleCommon, ...extra }),
    ItemEliminatedRule.extend({ ...RuleCommon, ...extra }),
  ]);
}

/** A rule as the API keeps it (a new rule's body, with its name and threshold filled in). */
export const AlertRuleSpec = ruleOf({}).meta({ id: 'AlertRuleSpec' });
export type AlertRuleSpec = z.infer<typeof AlertRuleSpec>;

/** What a client sends to create a rule (`POST /v1/alerts/rules`): no other field is accepted. */
export const NewAlertRule = z
  .discriminatedUnion('kind', [
    z.strictObject({ ...EliminationRatioRule.shape, ...RuleCommon, name: Name.optional() }),
    z.strictObject({ ...ReasonShareRule.shape, ...RuleCommon, name: Name.optional() }),
    z.strictObject({
      ...ItemEliminatedRule.shape,
      ...RuleCommon,
      name: Name.optional(),
      threshold: z.literal(0).optional(),
    }),
  ])
  .meta({ id: 'NewAlertRule', description: 'Without a name, one is made up from the rule.' });
export type NewAlertRule = z.infer<typeof NewAlertRule>;

const Stored = { id: z.string().describe('16 hex characters.'), createdAt: IsoTime };

/** A stored rule. */
export const AlertRule = ruleOf(Stored).meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof AlertRule>;

/** Where a rule stands after its last evaluation. */
export const RuleState = z
  .object({
    status: z.enum(['ok', 'firing']),
    since: IsoTime.nullable().describe('When the rule entered its current status; null before its first evaluation.'),
    lastValue: z.number().nullable().describe('The last evaluated value; null when the window held no data.'),
    lastEvaluatedAt: IsoTime.nullable(),
    evaluationError: z
      .string()
      .nullable()
      .describe('Why the last evaluation failed, if it did (the status is then kept).'),
  })
  .meta({ id: 'RuleState' });
export type RuleState = z.infer<typeof RuleState>;

/** Webhook deliveries of a rule's notifications. */
export const DeliveryCounts = z
  .object({ sent: z.number(), failed: z.number(), lastError: z.string().nullable() })
  .meta({ id: 'DeliveryCounts' });
export type DeliveryCounts = z.infer<typeof DeliveryCounts>;

/** One firing or resolved transition, as notified. */
export const AlertEvent = z
  .object({
    ruleId: z.string(),
    ruleName: z.string(),
    kind: z.enum(RULE_KINDS),
    state: z.enum(['firing', 'resolved']),
    value: z.number().nullable(),
    threshold: z.number(),
    at: IsoTime,
    details: z.array(z.unknown()),
  })
  .meta({ id: 'AlertEvent' });
export type AlertEvent = z.infer<typeof AlertEvent>;

/** `GET /v1/alerts/rules/{ruleId}`: a rule with where it stands and how its notifications went. */
export const AlertRuleWithState = ruleOf({
  ...Stored,
  state: RuleState.extend({ notifications: DeliveryCounts }),
}).meta({ id: 'AlertRuleWithState' });
export type AlertRuleWithState = z.infer<typeof AlertRuleWithState>;

/** `GET /v1/alerts/rules` */
export const AlertRuleListResponse = z
  .object({ rules: z.array(AlertRule).describe('Oldest first.') })
  .meta({ id: 'AlertRuleListResponse' });
export type AlertRuleListResponse = z.infer<typeof AlertRuleListResponse>;

/** `GET /v1/alerts/events` */
export const AlertEventListResponse = z
  .object({ events: z.array(AlertEvent).describe('Newest first.') })
  .meta({ id: 'AlertEventListResponse' });
export type AlertEventListResponse = z.infer<typeof AlertEventListResponse>;

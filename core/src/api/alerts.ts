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

/** A host label: letters, digits, hyphens and underscores (compose service names have them). */
const LABEL = '[A-Za-z0-9_-]+';
/** The last label starts with a letter (one of digits is read as an IPv4 address). */
const TOP_LABEL = '[A-Za-z][A-Za-z0-9_-]*';
/** An IPv6 address in brackets, e.g. `[::1]`. */
const IPV6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const PORT = '(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?';
/** RFC 3986 path characters, percent-encoded bytes included; a query and a fragment may also hold `?`. */
const PATH_CHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})";
const QUERY_CHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})";

/**
 * What a rule's `webhook` takes: an http or https URL (lowercase scheme) with a host name (punycode
 * `xn--` labels too), an IPv4 address or an IPv6 address in brackets, an optional port up to 65535,
 * no credentials, and a path, query and fragment of RFC 3986 characters. The query API refuses
 * anything else, and a URL of this form that the WHATWG URL parser still refuses (an invalid
 * punycode label or IPv6 address), with a 400 and a sentence (query/src/alerts/rules.ts).
 */
export const WEBHOOK_PATTERN = `^https?://(?:(?:${LABEL}\\.)*${TOP_LABEL}|${OCTET}(?:\\.${OCTET}){3}|${IPV6})${PORT}(?:/${PATH_CHAR}*)?(?:\\?${QUERY_CHAR}*)?(?:#${QUERY_CHAR}*)?$`;
export const MAX_WEBHOOK_LENGTH = 2048;

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

/** A name holds at least one character that is not white space (as `String.prototype.trim` counts it). */
export const NAME_PATTERN =
  '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';
export const MAX_NAME_LENGTH = 200;
const Name = z.string().min(1).max(MAX_NAME_LENGTH).regex(new RegExp(NAME_PATTERN));
const RuleCommon = {
  name: Name,
  threshold: z
    .number()
    .min(0)
    .max(1)
    .describe('0-1 for ratios and shares; 0 for item_eliminated, which fires on any eliminated item.'),
  windowSeconds: z.int().min(1).max(MAX_WINDOW_SECONDS),
  webhook: z
    .string()
    .max(MAX_WEBHOOK_LENGTH)
    .regex(new RegExp(WEBHOOK_PATTERN))
    .meta({
      format: 'uri',
      description:
        'http or https URL that receives the notifications: a host name (letters, digits, hyphens) or IPv4 address, optional port, no user or password, path and query in RFC 3986 characters.',
      examples: ['https://hooks.example.com/xray/alerts?token=s3cret'],
    }),
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

const ReasonShareOf = ReasonShareRule.omit({ reasonCode: true, reason: true }).shape;
const NewCommon = { ...RuleCommon, name: Name.optional() };

/**
 * What a client sends to create a rule (`POST /v1/alerts/rules`): no other field is accepted, and a
 * reason_share rule has exactly one of reasonCode or reason.
 */
export const NewAlertRule = z
  .union([
    z.strictObject({ ...EliminationRatioRule.shape, ...NewCommon }),
    z.strictObject({ ...ReasonShareOf, ...NewCommon, reasonCode: Text.describe('A reason code the SDK sent.') }),
    z.strictObject({ ...ReasonShareOf, ...NewCommon, reason: Text.describe('The reason text.') }),
    z.strictObject({ ...ItemEliminatedRule.shape, ...NewCommon, threshold: z.literal(0).optional() }),
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

import {
  type AlertRuleSpec,
  MAX_NAME_LENGTH,
  MAX_RULE_TEXT,
  MAX_WATCHED_ITEMS,
  MAX_WEBHOOK_LENGTH,
  MAX_WINDOW_SECONDS,
  NAME_PATTERN,
  RULE_KINDS,
  WEBHOOK_PATTERN,
} from '@xray/core/api';
import { codePoints } from '../params.js';

/**
 * Alert rules: their JSON shape and its validation. A rule body is validated once, here, when it is
 * created; everything downstream (store, evaluator, notifier) trusts it.
 */

const MAX_TEXT = MAX_RULE_TEXT;
const WEBHOOK_RE = new RegExp(WEBHOOK_PATTERN);
const NAME_RE = new RegExp(NAME_PATTERN);
const OUTCOMES = ['kept', 'eliminated', 'scored'] as const;

const COMMON_FIELDS = ['kind', 'name', 'threshold', 'windowSeconds', 'webhook'];
const FIELDS: Record<AlertRuleSpec['kind'], string[]> = {
  elimination_ratio: [...COMMON_FIELDS, 'pipeline', 'step', 'condition'],
  reason_share: [...COMMON_FIELDS, 'pipeline', 'step', 'condition', 'reasonCode', 'reason', 'outcome'],
  item_eliminated: [...COMMON_FIELDS, 'items'],
};

export type Validation = { ok: true; spec: AlertRuleSpec } | { ok: false; error: string };

/** Checks a rule body; the error is one sentence naming the field and what it accepts. */
export function validateRule(body: unknown): Validation {
  try {
    return { ok: true, spec: parseRule(body) };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, error: err.message };
    throw err;
  }
}

class RuleError extends Error {}

function parseRule(body: unknown): AlertRuleSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RuleError('the body must be a JSON object describing the rule');
  const b = body as Record<string, unknown>;
  const kind = b.kind;
  if (!RULE_KINDS.includes(kind as AlertRuleSpec['kind']))
    throw new RuleError(`kind must be one of ${RULE_KINDS.join(', ')}; got ${JSON.stringify(kind ?? null)}`);
  const k = kind as AlertRuleSpec['kind'];
  const unknown = Object.keys(b).filter((f) => !FIELDS[k].includes(f));
  if (unknown.length)
    throw new RuleError(`${unknown[0]} is not a field of a ${k} rule; its fields are ${FIELDS[k].join(', ')}`);
  const windowSeconds = b.windowSeconds;
  if (
    !Number.isInteger(windowSeconds) ||
    (windowSeconds as number) < 1 ||
    (windowSeconds as number) > MAX_WINDOW_SECONDS
  ) {
    throw new RuleError(
      `windowSeconds must be an integer from 1 to ${MAX_WINDOW_SECONDS} (30 days); got ${JSON.stringify(windowSeconds ?? null)}`
    );
  }
  const webhook = webhookField(b.webhook);
  const common = { windowSeconds: windowSeconds as number, webhook };

  if (k === 'item_eliminated') {
    const items = b.items;
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_WATCHED_ITEMS)
      throw new RuleError(`items must be a list of 1 to ${MAX_WATCHED_ITEMS} item ids`);
    for (const item of items)
      if (typeof item !== 'string' || item.length === 0 || codePoints(item) > MAX_TEXT)
        throw new RuleError(
          `every item id in items must be a string of 1 to ${MAX_TEXT} characters; got ${JSON.stringify(item)}`
        );
    if (b.threshold !== undefined && b.threshold !== 0)
      throw new RuleError(
        'threshold must be omitted (or 0) for an item_eliminated rule: it fires when any watch-listed item is eliminated'
      );
    const unique = [...new Set(items as string[])];
    return {
      kind: k,
      items: unique,
      threshold: 0,
      ...common,
      name: nameField(b.name, `watch-listed item eliminated (${unique.length} items)`),
    };
  }

  const pipeline = textField('pipeline', b.pipeline);
  const step = textField('step', b.step);
  const threshold = b.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new RuleError(
      `threshold must be a number from 0 to 1 (a ratio or share); got ${JSON.stringify(threshold ?? null)}`
    );
  }
  if (k === 'elimination_ratio') {
    const condition = choiceField('condition', b.condition, ['above', 'below'] as const);
    return {
      kind: k,
      pipeline,
      step,
      condition,
      threshold,
      ...common,
      name: nameField(b.name, `${pipeline} / ${step}: elimination ratio ${condition} ${threshold}`),
    };
  }
  const condition = choiceField('condition', b.condition, ['above', 'below', 'change'] as const);
  if ((b.reasonCode === undefined) === (b.reason === undefined))
    throw new RuleError(
      'a reason_share rule needs exactly one of reasonCode (a reason code the SDK sent) or reason (the reason text)'
    );
  const reasonCode = b.reasonCode === undefined ? undefined : textField('reasonCode', b.reasonCode);
  const reason = b.reason === undefined ? undefined : textField('reason', b.reason);
  const outcome = b.outcome === undefined ? undefined : choiceField('outcome', b.outcome, OUTCOMES);
  const label = reasonCode ?? reason;
  return {
    kind: k,
    pipeline,
    step,
    condition,
    ...(reasonCode !== undefined ? { reasonCode } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
    threshold,
    ...common,
    name: nameField(
      b.name,
      `${pipeline} / ${step}: share of ${JSON.stringify(label)} ${condition === 'change' ? 'changed by more than' : condition} ${threshold}`
    ),
  };
}

function textField(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || codePoints(value) > MAX_TEXT)
    throw new RuleError(
      `${name} must be a string of 1 to ${MAX_TEXT} characters; got ${JSON.stringify(value ?? null)}`
    );
  return value;
}

/** The name given, or one made up from the rule: cut to the longest name a rule may have (its fields may be 512 long). */
function nameField(value: unknown, fallback: string): string {
  if (value === undefined)
    return codePoints(fallback) <= MAX_NAME_LENGTH
      ? fallback
      : `${[...fallback].slice(0, MAX_NAME_LENGTH - 1).join('')}…`;
  if (typeof value !== 'string' || !NAME_RE.test(value) || codePoints(value) > MAX_NAME_LENGTH)
    throw new RuleError(`name must be a string of 1 to ${MAX_NAME_LENGTH} characters, not only white space`);
  return value;
}

function choiceField<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value))
    throw new RuleError(`${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value ?? null)}`);
  return value as T;
}

/** An http or https URL as {@link WEBHOOK_PATTERN} describes it (and /openapi.json publishes it). */
function webhookField(value: unknown): string {
  if (typeof value !== 'string' || codePoints(value) > MAX_WEBHOOK_LENGTH)
    throw new RuleError(`webhook must be an http or https URL of at most ${MAX_WEBHOOK_LENGTH} characters`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https')
    throw new RuleError(
      /^https?$/i.test(scheme)
        ? `webhook must write its scheme in lowercase (http or https); got ${scheme}`
        : `webhook must use http or https; got ${scheme}`
    );
  if (/^https?:\/\/[^/?#]*@/.test(value))
    throw new RuleError('webhook must not carry credentials in the URL; use a secret path or query parameter instead');
  const refused = `webhook must be an http or https URL with a host name (letters, digits, hyphens, underscores), an IPv4 address or an [IPv6] address, an optional port up to 65535, and a path and query of RFC 3986 characters (percent-encode others); got ${JSON.stringify(value)}`;
  if (!WEBHOOK_RE.test(value)) throw new RuleError(refused);
  try {
    new URL(value); // what the pattern cannot say: a valid punycode label, a valid IPv6 address
  } catch {
    throw new RuleError(refused);
  }
  // Kept as written: the URL parser's form may be longer (a '/' added, a quote percent-encoded)
  // and break the documented maxLength and pattern the answer repeats.
  return value;
}

/** Whether a rule's value is past its threshold. `undefined` (no data in the window) never fires. */
export function isFiring(rule: AlertRuleSpec, value: number | undefined): boolean {
  if (value === undefined) return false;
  if (rule.kind === 'item_eliminated') return value > 0;
  if (rule.condition === 'below') return value < rule.threshold;
  return value > rule.threshold;
}

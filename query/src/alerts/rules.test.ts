import { AlertRuleSpec, NewAlertRule } from '@xray/core/api';
import { describe, expect, it } from 'vitest';
import { isFiring, validateRule } from './rules.js';

const ratio = {
  kind: 'elimination_ratio',
  pipeline: 'search',
  step: 'filter',
  condition: 'above',
  threshold: 0.8,
  windowSeconds: 300,
  webhook: 'https://hooks.example.com/x',
};
const share = {
  kind: 'reason_share',
  pipeline: 'search',
  step: 'filter',
  condition: 'change',
  reasonCode: 'missing_kw',
  threshold: 0.2,
  windowSeconds: 600,
  webhook: 'http://127.0.0.1:9000/',
};
const items = {
  kind: 'item_eliminated',
  items: ['doc-1', 'doc-2', 'doc-1'],
  windowSeconds: 60,
  webhook: 'http://hooks.local/a?token=t',
};

function error(body: unknown): string {
  const v = validateRule(body);
  if (v.ok) throw new Error('expected the rule to be refused');
  return v.error;
}

describe('alert rule validation', () => {
  it('accepts each kind of rule and names it when no name is given', () => {
    const r = validateRule(ratio);
    expect(r).toEqual({ ok: true, spec: { ...ratio, name: 'search / filter: elimination ratio above 0.8' } });
    const s = validateRule({ ...share, outcome: 'eliminated', name: 'reason mix moved' });
    expect(s).toEqual({ ok: true, spec: { ...share, outcome: 'eliminated', name: 'reason mix moved' } });
    const i = validateRule(items);
    expect(i.ok && i.spec).toMatchObject({
      kind: 'item_eliminated',
      items: ['doc-1', 'doc-2'],
      threshold: 0,
      name: 'watch-listed item eliminated (2 items)',
    });
  });

  it('refuses a body that is not an object, or of an unknown kind', () => {
    expect(error(null)).toBe('the body must be a JSON object describing the rule');
    expect(error([ratio])).toBe('the body must be a JSON object describing the rule');
    expect(error({ ...ratio, kind: 'latency' })).toBe(
      'kind must be one of elimination_ratio, reason_share, item_eliminated; got "latency"'
    );
  });

  it('names the field that is wrong and what it accepts', () => {
    expect(error({ ...ratio, threshold: 1.5 })).toBe(
      'threshold must be a number from 0 to 1 (a ratio or share); got 1.5'
    );
    expect(error({ ...ratio, threshold: '0.5' })).toMatch(/^threshold must be a number/);
    expect(error({ ...ratio, condition: 'change' })).toBe('condition must be one of above, below; got "change"');
    expect(error({ ...ratio, pipeline: '' })).toBe('pipeline must be a string of 1 to 512 characters; got ""');
    expect(error({ ...ratio, step: undefined })).toBe('step must be a string of 1 to 512 characters; got null');
    expect(error({ ...ratio, windowSeconds: 0 })).toBe(
      'windowSeconds must be an integer from 1 to 2592000 (30 days); got 0'
    );
    expect(error({ ...ratio, windowSeconds: 1.5 })).toMatch(/^windowSeconds must be an integer/);
    expect(error({ ...ratio, name: '' })).toBe('name must be a string of 1 to 200 characters, not only white space');
    expect(error({ ...ratio, name: ' \u3000\t' })).toBe(
      'name must be a string of 1 to 200 characters, not only white space'
    );
    // Counted as JSON Schema counts them: 200 characters outside the BMP are 200, not 400.
    expect(validateRule({ ...ratio, name: '😀'.repeat(200) }).ok).toBe(true);
    expect(error({ ...ratio, reasonCode: 'x' })).toBe(
      'reasonCode is not a field of a elimination_ratio rule; its fields are kind, name, threshold, windowSeconds, webhook, pipeline, step, condition'
    );
  });

  it('accepts only http and https webhooks without credentials', () => {
    expect(error({ ...ratio, webhook: 'ftp://example.com/hook' })).toBe('webhook must use http or https; got ftp');
    expect(error({ ...ratio, webhook: 'not a url' })).toMatch(/^webhook must be an http or https URL with a host name/);
    expect(error({ ...ratio, webhook: 'HTTPS://example.com/' })).toBe(
      'webhook must write its scheme in lowercase (http or https); got HTTPS'
    );
    for (const refused of [
      'https://',
      'https://exa mple.com/',
      'http://1.2.3.999/',
      'http://x:65536/',
      'http://a.com/|',
      'http://xn--zz.example/',
      'http://[:::]/',
    ])
      expect(error({ ...ratio, webhook: refused }), refused).toMatch(/^webhook must be an http or https URL/);
    expect(error({ ...ratio, webhook: 42 })).toMatch(/^webhook must be an http or https URL/);
    expect(error({ ...ratio, webhook: 'https://user:pw@example.com/' })).toMatch(/^webhook must not carry credentials/);
    expect(error({ ...ratio, webhook: `https://example.com/${'a'.repeat(2050)}` })).toMatch(/at most 2048 characters/);
    for (const accepted of ['http://alert_receiver:9000/hook', 'https://xn--bcher-kva.example/', 'http://[::1]:9000/x'])
      expect(validateRule({ ...ratio, webhook: accepted }).ok, accepted).toBe(true);
    // Kept as written, so the answer repeats what the document allowed (the URL parser would add a '/': 2049).
    const longest = `https://${'a'.repeat(2036)}.com`;
    const long = validateRule({ ...ratio, name: undefined, pipeline: 'p'.repeat(512) });
    expect(long.ok && [...long.spec.name].length).toBe(200);
    const kept = validateRule({ ...ratio, webhook: longest });
    expect([longest.length, kept.ok && kept.spec.webhook]).toEqual([2048, longest]);
  });

  it('needs exactly one of reasonCode and reason in a reason_share rule', () => {
    const { reasonCode: _, ...noReason } = share;
    expect(error(noReason)).toMatch(/^a reason_share rule needs exactly one of reasonCode/);
    expect(error({ ...share, reason: 'Missing keywords' })).toMatch(
      /^a reason_share rule needs exactly one of reasonCode/
    );
    expect(validateRule({ ...noReason, reason: 'Missing keywords' }).ok).toBe(true);
    expect(error({ ...share, outcome: 'dropped' })).toBe(
      'outcome must be one of kept, eliminated, scored; got "dropped"'
    );
  });

  it('needs a non-empty, bounded list of item ids in an item_eliminated rule', () => {
    expect(error({ ...items, items: [] })).toBe('items must be a list of 1 to 1000 item ids');
    expect(error({ ...items, items: 'doc-1' })).toBe('items must be a list of 1 to 1000 item ids');
    expect(error({ ...items, items: Array.from({ length: 1001 }, (_, i) => `d${i}`) })).toBe(
      'items must be a list of 1 to 1000 item ids'
    );
    expect(error({ ...items, items: ['ok', 7] })).toBe(
      'every item id in items must be a string of 1 to 512 characters; got 7'
    );
    expect(error({ ...items, threshold: 0.5 })).toMatch(/^threshold must be omitted/);
    expect(error({ ...items, pipeline: 'search' })).toMatch(/^pipeline is not a field of a item_eliminated rule/);
  });
});

describe('the rule schemas of the OpenAPI document', () => {
  it('describe what validation takes and what it keeps', () => {
    for (const body of [
      ratio,
      { ...share, outcome: 'kept' },
      { ...share, reasonCode: undefined, reason: 'r' },
      items,
    ]) {
      expect(NewAlertRule.safeParse(JSON.parse(JSON.stringify(body))).success).toBe(true);
      const v = validateRule(body);
      expect(v.ok && AlertRuleSpec.safeParse(v.spec).success).toBe(true);
    }
    for (const body of [
      { ...ratio, colour: 'red' },
      { ...items, threshold: 0.5 },
      { ...ratio, windowSeconds: 0 },
    ]) {
      expect(NewAlertRule.safeParse(body).success).toBe(false);
      expect(validateRule(body).ok).toBe(false);
    }
  });
});

describe('when a rule fires', () => {
  const spec = (body: unknown) => {
    const v = validateRule(body);
    if (!v.ok) throw new Error(v.error);
    return v.spec;
  };

  it('compares the value with the threshold in the direction of the condition', () => {
    expect(isFiring(spec(ratio), 0.81)).toBe(true);
    expect(isFiring(spec(ratio), 0.8)).toBe(false);
    expect(isFiring(spec({ ...ratio, condition: 'below', threshold: 0.1 }), 0.05)).toBe(true);
    expect(isFiring(spec({ ...ratio, condition: 'below', threshold: 0.1 }), 0.1)).toBe(false);
    expect(isFiring(spec(share), 0.25)).toBe(true);
    expect(isFiring(spec(items), 1)).toBe(true);
    expect(isFiring(spec(items), 0)).toBe(false);
  });

  it('never fires on a window without data, whatever the condition', () => {
    expect(isFiring(spec({ ...ratio, condition: 'below', threshold: 0.5 }), undefined)).toBe(false);
    expect(isFiring(spec(items), undefined)).toBe(false);
  });
});

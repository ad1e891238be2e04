// Hand-written OTLP/JSON for what the OpenTelemetry JS exporter never sends: numeric 64-bit
// timestamps, uppercase ids, unknown fields, nulls, hostile nesting, malformed bodies.
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './json.js';
import type { OtlpTraces } from './verdict.js';
import { decodeOtlpProtobuf } from './protobuf.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const KIND = { key: 'xray.span.kind', value: { stringValue: 'step' } };

function body(...spans: object[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
}
function span(fields: object = {}, ...attributes: object[]): object {
  return {
    traceId: TRACE,
    spanId: SPAN,
    startTimeUnixNano: '1700000000000000000',
    name: 'step',
    attributes: [KIND, ...attributes],
    ...fields,
  };
}
function decode(text: string): OtlpTraces {
  const result = decodeOtlpJson(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}
function only(text: string) {
  const { spans } = decode(text);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('decodeOtlpJson', () => {
  it('keeps every digit of timestamps above 2^53 sent as JSON numbers', () => {
    const text = body(span({ endTimeUnixNano: 'END', events: [{ timeUnixNano: 'EVT', name: 'e' }] }))
      .replace('"END"', '1700000000123456789')
      .replace('"EVT"', ' 18446744073709551615 ')
      .replace('"name":"step"', '"startTimeUnixNano" : 1700000000000000001,"name":"step"');
    const s = only(text);
    expect([s.startTimeUnixNano, s.endTimeUnixNano, s.events[0]?.timeUnixNano]).toEqual([
      '1700000000000000001',
      '1700000000123456789',
      '18446744073709551615',
    ]);
  });

  it('accepts timestamps as strings or small numbers', () => {
    const s = only(body(span({ startTimeUnixNano: '1700000000000000001', endTimeUnixNano: 42 })));
    expect([s.startTimeUnixNano, s.endTimeUnixNano]).toEqual(['1700000000000000001', '42']);
  });

  it('keeps every digit of a large intValue sent as a JSON number', () => {
    const text = body(
      span({}, { key: 'n', value: { intValue: 'BIG' } }, { key: 'm', value: { intValue: '-12' } })
    ).replace('"BIG"', '9223372036854775807');
    expect(only(text).attributes).toMatchObject({ n: '9223372036854775807', m: -12 });
  });

  it('leaves look-alike text inside string values untouched', () => {
    const tricky = '"timeUnixNano":12345678901234567890}';
    expect(only(body(span({}, { key: 't', value: { stringValue: tricky } }))).attributes.t).toBe(tricky);
  });

  it('turns escaped lone surrogates into U+FFFD, as invalid UTF-8 is, so storage never refuses the text', () => {
    const text = body(
      span({}, { key: 'reason', value: { stringValue: 'LONE' } }, { key: 'pair', value: { stringValue: 'PAIR' } })
    )
      .replace('"LONE"', '"cut \\ud800 here \\udc00"')
      .replace('"PAIR"', '"ok \\ud83d\\ude00"');
    expect(only(text).attributes).toMatchObject({ reason: 'cut \ufffd here \ufffd', pair: 'ok \u{1f600}' });
  });

  it('lowercases hex ids in any case', () => {
    const s = only(
      body(span({ traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase(), parentSpanId: 'ABCDEF0123456789' }))
    );
    expect([s.traceId, s.spanId, s.parentSpanId]).toEqual([TRACE, SPAN, 'abcdef0123456789']);
  });

  it('ignores unknown fields and treats nulls as absent', () => {
    const s = only(
      body(
        span({
          parentSpanId: null,
          flags: 257,
          kind: 1,
          future: { x: [1] },
          status: { code: 2, extra: 1 },
          events: null,
        })
      )
    );
    expect(s).toMatchObject({ parentSpanId: '', status: { code: 2, message: '' }, events: [] });
  });

  it('decodes AnyValues like the protobuf decoder does', () => {
    const attrs = [
      { key: 'd', value: { doubleValue: 0.5 } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'b', value: { bytesValue: 'AAEC/w==' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, {}, { boolValue: true }] } } },
      { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { intValue: '7' } }] } } },
      { key: 'none' },
    ];
    expect(only(body(span({}, ...attrs))).attributes).toEqual({
      'xray.span.kind': 'step',
      d: 0.5,
      nan: 'NaN',
      b: 'AAEC/w==',
      arr: ['a', null, true],
      map: { k: 7 },
      none: null,
    });
  });

  it('counts spans without xray.span.kind and never walks their attributes', () => {
    const deep = '{"arrayValue":{"values":['.repeat(50_000) + ']}}'.repeat(50_000);
    const text = body({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'x', value: 'DEEP' }] }, span()).replace(
      '"DEEP"',
      deep
    );
    expect(decode(text)).toMatchObject({ ignoredSpans: 1, rejected: [] });
  });

  it('rejects an X-Ray span nested too deep, and keeps its neighbours', () => {
    const deep = '{"arrayValue":{"values":['.repeat(50_000) + ']}}'.repeat(50_000);
    const text = body(span({ spanId: 'ffffffffffffffff' }, { key: 'x', value: 'DEEP' }), span()).replace(
      '"DEEP"',
      deep
    );
    const result = decode(text);
    expect(result.spans.map((s) => s.spanId)).toEqual([SPAN]);
    expect(result.rejected[0]).toMatchObject({
      spanId: 'ffffffffffffffff',
      reason: expect.stringMatching(/deeper than 32/),
    });
  });

  it.each([
    ['a non-hex trace id', span({ traceId: 'zz'.repeat(16) }), /trace id/],
    ['a numeric span id', span({ spanId: 12 }), /span id/],
    [
      'an unknown kind',
      span({ attributes: [{ key: 'xray.span.kind', value: { stringValue: 'nope' } }] }),
      /xray.span.kind/,
    ],
  ])('rejects an X-Ray span with %s', (_, bad, reason) => {
    const result = decode(body(span(), bad));
    expect(result.spans).toHaveLength(1);
    expect(result.rejected[0]?.reason).toMatch(reason);
  });

  it('decodes a UTF-8 body given as bytes', () => {
    const bytes = new TextEncoder().encode(body(span({ name: 'étape' })));
    const result = decodeOtlpJson(bytes);
    expect(result.ok && result.value.spans[0]?.name).toBe('étape');
  });

  it('decodes an empty request', () => {
    expect(decode('{}')).toEqual({ spans: [], acceptedSpans: 0, ignoredSpans: 0, rejected: [] });
  });

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', body(span()).slice(0, -3)],
    ['an array at the top', '[]'],
    ['resourceSpans not an array', '{"resourceSpans":{}}'],
  ])('returns an error for %s', (_, text) => {
    const result = decodeOtlpJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid OTLP JSON/);
  });

  it.each([
    ['a number as span name', { name: 5 }, [], /span name/],
    ['a negative timestamp', { startTimeUnixNano: -1 }, [], /startTimeUnixNano/],
    ['a timestamp above 2^64', { endTimeUnixNano: '18446744073709551616' }, [], /endTimeUnixNano/],
    ['a fractional intValue', {}, [{ key: 'n', value: { intValue: 1.5 } }], /intValue/],
  ])('rejects only the span with %s, keeping the good span beside it', (_, fields, attributes, reason) => {
    const good = span({ spanId: 'ab'.repeat(8) });
    const result = decode(body(good, span(fields, ...attributes)));
    expect(result.spans.map((s) => s.spanId)).toEqual(['ab'.repeat(8)]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.reason).toMatch(reason);
  });

  it('reads a repeated field as JSON.parse does: the last value wins', () => {
    const text = body(span({ name: 'REPLACED' }, { key: 'v', value: { stringValue: null, intValue: 'X' } }))
      .replace('"name":"REPLACED"', '"name":"first","name":"step"')
      .replace('"intValue":"X"', '"intValue":"X","intValue":7');
    expect(only(text)).toMatchObject({ name: 'step', attributes: { v: 7 } });
    // The attribute list that says whether a span is X-Ray's is the last one too.
    const kind = JSON.stringify([KIND]);
    const twice = (first: string, last: string) =>
      body(span({ attributes: 'A' })).replace('"attributes":"A"', `"attributes":${first},"attributes":${last}`);
    expect(decode(twice(kind, '[{"key":"x"}]'))).toMatchObject({ acceptedSpans: 0, ignoredSpans: 1 });
    expect(decode(twice('[{"key":"x"}]', kind))).toMatchObject({ acceptedSpans: 1, ignoredSpans: 0 });
  });

  it('skips unknown fields of any depth and shape', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = body(span()).replace(
      '{"traceId"',
      `{"future":${deep},"more":{"a":[1,-2.5e-3,true,false,null,"\\u00e9\\n"]},"traceId"`
    );
    expect(only(text).name).toBe('step');
  });

  it('accepts a UTF-8 byte order mark and surrounding whitespace', () => {
    const bytes = new TextEncoder().encode(` \n${body(span())}\t `);
    expect(decodeOtlpJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes]))).toMatchObject({
      ok: true,
      value: { acceptedSpans: 1 },
    });
  });

  it('decodes escapes in names and values', () => {
    const text = body(span({ name: 'NAME' }))
      .replace('"NAME"', '"st\\u0065p \\"1\\"\\u00e9"')
      .replace('"key":"xray.span.kind"', '"k\\u0065y":"xray.span.kin\\u0064"');
    expect(only(text)).toMatchObject({ name: 'step "1"é', attributes: { 'xray.span.kind': 'step' } });
  });

  it.each([
    ['a control character in a string', body(span({ name: 'a\u0001b' })).replace('\\u0001', '\u0001')],
    ['an invalid escape', body(span({ name: 'NAME' })).replace('"NAME"', '"\\x41"')],
    ['a number with a leading zero', body(span({ endTimeUnixNano: 'END' })).replace('"END"', '0123')],
    ['a trailing comma', body(span()).replace(']}]}]}', ',]}]}]}')],
    ['data after the value', `${body(span())} {}`],
    ['single quotes', "{'resourceSpans':[]}"],
    ['an empty body', ''],
  ])('returns an error for %s, as JSON.parse would', (_, text) => {
    expect(() => JSON.parse(text)).toThrow();
    const result = decodeOtlpJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid OTLP JSON/);
  });

  it('is not fooled by protobuf bytes', () => {
    expect(decodeOtlpProtobuf(new TextEncoder().encode('{}')).ok).toBe(false);
    expect(decodeOtlpJson(Uint8Array.from([0x0a, 0x02, 0x12, 0x00])).ok).toBe(false);
  });
});

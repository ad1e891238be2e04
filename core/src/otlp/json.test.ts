// Hand-written OTLP/JSON for what the OpenTelemetry JS exporter never sends: numeric 64-bit
// timestamps, uppercase ids, unknown fields, nulls, hostile nesting, malformed bodies.
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './json.js';
import type { OtlpTraces } from './model.js';
import { decodeOtlpProtobuf } from './protobuf.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const KIND = { key: 'xray.span.kind', value: { stringValue: 'step' } };

function body(...spans: object[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
}
function span(fields: object = {}, ...attributes: object[]): object {
  return { traceId: TRACE, spanId: SPAN, startTimeUnixNano: '1700000000000000000', name: 'step', attributes: [KIND, ...attributes], ...fields };
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
    const text = body(span({}, { key: 'n', value: { intValue: 'BIG' } }, { key: 'm', value: { intValue: '-12' } }))
      .replace('"BIG"', '9223372036854775807');
    expect(only(text).attributes).toMatchObject({ n: '9223372036854775807', m: -12 });
  });

  it('leaves look-alike text inside string values untouched', () => {
    const tricky = '"timeUnixNano":12345678901234567890}';
    expect(only(body(span({}, { key: 't', value: { stringValue: tricky } }))).attributes.t).toBe(tricky);
  });

  it('lowercases hex ids in any case', () => {
    const s = only(body(span({ traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase(), parentSpanId: 'ABCDEF0123456789' })));
    expect([s.traceId, s.spanId, s.parentSpanId]).toEqual([TRACE, SPAN, 'abcdef0123456789']);
  });

  it('ignores unknown fields and treats nulls as absent', () => {
    const s = only(body(span({ parentSpanId: null, flags: 257, kind: 1, future: { x: [1] }, status: { code: 2, extra: 1 }, events: null })));
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
      'xray.span.kind': 'step', d: 0.5, nan: 'NaN', b: 'AAEC/w==', arr: ['a', null, true], map: { k: 7 }, none: null,
    });
  });

  it('counts spans without xray.span.kind and never walks their attributes', () => {
    const deep = '{"arrayValue":{"values":['.repeat(50_000) + ']}}'.repeat(50_000);
    const text = body({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'x', value: 'DEEP' }] }, span())
      .replace('"DEEP"', deep);
    expect(decode(text)).toMatchObject({ ignoredSpans: 1, rejected: [] });
  });

  it('rejects an X-Ray span nested too deep, and keeps its neighbours', () => {
    const deep = '{"arrayValue":{"values":['.repeat(50_000) + ']}}'.repeat(50_000);
    const text = body(span({ spanId: 'ffffffffffffffff' }, { key: 'x', value: 'DEEP' }), span()).replace('"DEEP"', deep);
    const result = decode(text);
    expect(result.spans.map((s) => s.spanId)).toEqual([SPAN]);
    expect(result.rejected[0]).toMatchObject({ spanId: 'ffffffffffffffff', reason: expect.stringMatching(/deeper than 32/) });
  });

  it.each([
    ['a non-hex trace id', span({ traceId: 'zz'.repeat(16) }), /trace id/],
    ['a numeric span id', span({ spanId: 12 }), /span id/],
    ['an unknown kind', span({ attributes: [{ key: 'xray.span.kind', value: { stringValue: 'nope' } }] }), /xray.span.kind/],
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
    expect(decode('{}')).toEqual({ spans: [], ignoredSpans: 0, rejected: [] });
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

  it('is not fooled by protobuf bytes', () => {
    expect(decodeOtlpProtobuf(new TextEncoder().encode('{}')).ok).toBe(false);
    expect(decodeOtlpJson(Uint8Array.from([0x0a, 0x02, 0x12, 0x00])).ok).toBe(false);
  });
});

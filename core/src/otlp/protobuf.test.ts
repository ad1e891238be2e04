// Hand-built protobuf bodies for what the OpenTelemetry JS exporter never sends: every AnyValue
// kind, unknown fields, odd field order, hostile nesting, bad ids, malformed bytes.
import { describe, expect, it } from 'vitest';
import type { OtlpTraces } from './verdict.js';
import { decodeOtlpProtobuf } from './protobuf.js';

type Bytes = number[];
const enc = new TextEncoder();

function varint(n: bigint | number): Bytes {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const msg = (...fields: Bytes[]): Bytes => fields.flat();
const len = (field: number, b: Bytes | Uint8Array): Bytes => [...varint((field << 3) | 2), ...varint(b.length), ...b];
const str = (field: number, s: string): Bytes => len(field, enc.encode(s));
const int = (field: number, n: bigint | number): Bytes => [...varint(field << 3), ...varint(n)];
const fixed64 = (field: number, n: bigint): Bytes => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return [...varint((field << 3) | 1), ...b];
};
const dbl = (field: number, x: number): Bytes => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...varint((field << 3) | 1), ...b];
};
const hex = (h: string): Bytes =>
  Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.slice(i * 2, i * 2 + 2), 16));

const any = {
  string: (s: string) => str(1, s),
  bool: (b: boolean) => int(2, b ? 1 : 0),
  int: (n: bigint | number) => int(3, n),
  double: (x: number) => dbl(4, x),
  array: (...values: Bytes[]) => len(5, msg(...values.map((v) => len(1, v)))),
  kvlist: (...kvs: Bytes[]) => len(6, msg(...kvs.map((k) => len(1, k)))),
  bytes: (b: Bytes) => len(7, b),
};
const kv = (key: string, value: Bytes): Bytes => msg(str(1, key), len(2, value));

/** `bottom` wrapped in `levels` single-item arrays, built in linear time (nesting is all prefixes). */
function nested(levels: number, bottom: Bytes): Bytes {
  const prefixes: Bytes[] = [];
  let size = bottom.length;
  for (let i = 0; i < levels; i++) {
    const inner = [0x0a, ...varint(size)]; // ArrayValue.values
    const outer = [0x2a, ...varint(inner.length + size)]; // AnyValue.array_value
    prefixes.push([...outer, ...inner]);
    size += outer.length + inner.length;
  }
  return [...prefixes.reverse().flat(), ...bottom];
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const XRAY = kv('xray.span.kind', any.string('step'));

/** A Span message: defaults to a valid X-Ray step span; `fields` are appended. */
function span(...fields: Bytes[]): Bytes {
  return msg(
    len(1, hex(TRACE)),
    len(2, hex(SPAN)),
    str(5, 'step'),
    fixed64(7, 1n),
    fixed64(8, 2n),
    len(9, XRAY),
    ...fields
  );
}
function request(...spans: Bytes[]): Uint8Array {
  return Uint8Array.from(len(1, len(2, msg(...spans.map((s) => len(2, s))))));
}
function decode(body: Uint8Array): OtlpTraces {
  const result = decodeOtlpProtobuf(body);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}
function only(body: Uint8Array) {
  const { spans } = decode(body);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('decodeOtlpProtobuf', () => {
  it('decodes every AnyValue kind', () => {
    const attrs = [
      kv('s', any.string('héllo')),
      kv('t', any.bool(true)),
      kv('f', any.bool(false)),
      kv('i', any.int(7)),
      kv('neg', any.int(-1)),
      kv('neg40', any.int(-(2n ** 40n))),
      kv('safe', any.int(2n ** 53n - 1n)),
      kv('big', any.int(2n ** 60n)),
      kv('min', any.int(-(2n ** 63n))),
      kv('max', any.int(2n ** 63n - 1n)),
      kv('d', any.double(0.25)),
      kv('nan', any.double(NaN)),
      kv('inf', any.double(-Infinity)),
      kv('b', any.bytes([0, 1, 2, 255])),
      kv('empty', []),
      kv('arr', any.array(any.string('a'), any.int(1), any.array())),
      kv('map', any.kvlist(kv('x', any.bool(true)), kv('y', any.kvlist()))),
    ];
    expect(only(request(span(...attrs.map((a) => len(9, a))))).attributes).toEqual({
      'xray.span.kind': 'step',
      s: 'héllo',
      t: true,
      f: false,
      i: 7,
      neg: -1,
      neg40: -(2 ** 40),
      safe: Number.MAX_SAFE_INTEGER,
      big: '1152921504606846976',
      min: '-9223372036854775808',
      max: '9223372036854775807',
      d: 0.25,
      nan: 'NaN',
      inf: '-Infinity',
      b: 'AAEC/w==',
      empty: null,
      arr: ['a', 1, []],
      map: { x: true, y: {} },
    });
  });

  it('keeps a __proto__ attribute as a plain key', () => {
    const attrs = only(request(span(len(9, kv('__proto__', any.string('p')))))).attributes;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(attrs))).toEqual({ 'xray.span.kind': 'step', ['__proto__']: 'p' });
  });

  it('gives timestamps exactly, up to 2^64 - 1', () => {
    const s = only(request(span(fixed64(7, 1700000000123456789n), fixed64(8, 2n ** 64n - 1n))));
    expect([s.startTimeUnixNano, s.endTimeUnixNano]).toEqual(['1700000000123456789', '18446744073709551615']);
  });

  it('gives timestamps exactly across the whole uint64 range', () => {
    // Edges of the decimal carry in the reader's cached conversion, then a deterministic spread.
    const values = [
      0n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 9_999_999_999n,
      1700000004294967295n,
      1700000004294967296n,
    ];
    for (let i = 0n; i < 200n; i++) values.push((i * 0x9e3779b97f4a7c15n + 12345n) % 2n ** 64n);
    const event = (t: bigint) => len(11, msg(fixed64(1, t), str(2, 'e')));
    const s = only(request(span(...values.map(event))));
    expect(s.events.map((e) => e.timeUnixNano)).toEqual(values.map(String));
  });

  it('decodes events, status and parent id, in any field order', () => {
    const event = msg(len(3, kv('k', any.int(1))), str(2, 'xray.decision'), fixed64(1, 1700000000000000001n));
    const s = only(
      request(msg(len(11, event), len(15, msg(int(3, 2), str(2, 'bad'))), len(4, hex('00000000000000AB')), span()))
    );
    expect(s.events).toEqual([{ timeUnixNano: '1700000000000000001', name: 'xray.decision', attributes: { k: 1 } }]);
    expect(s.status).toEqual({ code: 2, message: 'bad' });
    expect(s.parentSpanId).toBe('00000000000000ab');
  });

  it('skips unknown fields of every wire type, and known fields sent with the wrong wire type', () => {
    const fixed32 = [...varint((90 << 3) | 5), 1, 2, 3, 4];
    const unknown = msg(int(99, 5), fixed64(98, 1n), str(97, 'x'), fixed32);
    const body = Uint8Array.from(
      msg(unknown, len(1, msg(unknown, len(1, unknown), len(2, msg(unknown, len(2, span(unknown, int(5, 3))))))))
    );
    expect(only(body)).toMatchObject({ name: 'step', traceId: TRACE, spanId: SPAN });
  });

  it('counts spans without xray.span.kind and does not decode them', () => {
    const deep = nested(20_000, any.string('bottom'));
    const other = msg(len(1, hex(TRACE)), len(2, hex(SPAN)), len(9, kv('http.method', deep)));
    expect(decode(request(other, other, span()))).toMatchObject({ ignoredSpans: 2, rejected: [] });
  });

  it('rejects an X-Ray span nested too deep, and keeps its neighbours', () => {
    const ok = nested(31, any.string('bottom')); // 32 levels with the attribute's own value
    const deep = nested(20_000, any.string('bottom'));
    const result = decode(request(span(len(9, kv('ok', ok))), span(len(9, kv('deep', deep)))));
    expect(result.spans).toHaveLength(1);
    expect(result.rejected).toEqual([
      { traceId: TRACE, spanId: SPAN, reason: 'attribute value nested deeper than 32 levels' },
    ]);
  });

  it.each([
    ['a missing trace id', msg(len(2, hex(SPAN)), len(9, XRAY)), /trace id/],
    ['a short trace id', msg(len(1, hex('abcd')), len(2, hex(SPAN)), len(9, XRAY)), /trace id/],
    ['an all-zero trace id', msg(len(1, hex('0'.repeat(32))), len(2, hex(SPAN)), len(9, XRAY)), /trace id/],
    ['a missing span id', msg(len(1, hex(TRACE)), len(9, XRAY)), /span id/],
    ['a long parent span id', span(len(4, hex(TRACE))), /parent span id/],
    [
      'an unknown kind',
      msg(len(1, hex(TRACE)), len(2, hex(SPAN)), len(9, kv('xray.span.kind', any.int(1)))),
      /xray.span.kind/,
    ],
  ])('rejects an X-Ray span with %s', (_, bad, reason) => {
    const result = decode(request(span(), bad));
    expect(result.spans).toHaveLength(1);
    expect(result.rejected[0]?.reason).toMatch(reason);
  });

  it('accepts an empty request', () => {
    expect(decode(new Uint8Array(0))).toEqual({ spans: [], acceptedSpans: 0, ignoredSpans: 0, rejected: [] });
  });

  it.each([
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff)],
    ['a length beyond the body', Uint8Array.from([0x0a, 0x7f, 0x0a])],
    ['a truncated varint', Uint8Array.from([0x08, 0xff])],
    ['a length of 2^32 + 1', Uint8Array.from([0x0a, ...varint(2n ** 32n + 1n)])],
    ['an 11-byte varint', Uint8Array.from([0x08, ...new Array<number>(10).fill(0xff), 0x01])],
    ['a group wire type', Uint8Array.from([0x0b, 0x0c])],
    ['field number 0', Uint8Array.from([0x00, 0x00])],
    ['a truncated timestamp', request(msg(len(9, XRAY), [0x39, 1, 2, 3]))],
    ['JSON sent as protobuf', enc.encode('{"resourceSpans":[]}')],
  ])('returns an error for %s', (_, body) => {
    const result = decodeOtlpProtobuf(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid OTLP protobuf/);
  });
});

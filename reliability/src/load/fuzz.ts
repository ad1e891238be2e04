import { gzipSync } from 'node:zlib';
import { CONTENT_TYPES, type OtlpBody } from './bodies.js';

/** One fuzzed request: its body and headers, and the answers allowed (`4xx`: the body is bad for sure). */
export interface FuzzCase {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
  expect: '2xx-or-4xx' | '4xx';
}

type Random = () => number;

const int = (random: Random, n: number) => Math.floor(random() * n);
const bytes = (random: Random, n: number) => Buffer.from(Array.from({ length: n }, () => int(random, 256)));

/** Byte-level mutations of a real body: flips, overwrites, inserts, deletes, truncation, repeats, splices. */
function mutateBytes(random: Random, body: Buffer, other: Buffer): Buffer {
  const at = int(random, Math.max(1, body.length));
  switch (int(random, 7)) {
    case 0: {
      const out = Buffer.from(body);
      for (let i = 0, n = 1 + int(random, 8); i < n; i++) out[int(random, out.length)]! ^= 1 << int(random, 8);
      return out;
    }
    case 1: {
      const out = Buffer.from(body);
      for (let i = 0, n = 1 + int(random, 16); i < n; i++) out[int(random, out.length)] = int(random, 256);
      return out;
    }
    case 2:
      return Buffer.concat([body.subarray(0, at), bytes(random, 1 + int(random, 64)), body.subarray(at)]);
    case 3:
      return Buffer.concat([body.subarray(0, at), body.subarray(Math.min(body.length, at + 1 + int(random, 256)))]);
    case 4:
      return body.subarray(0, at);
    case 5: {
      const slice = body.subarray(at, at + 1 + int(random, 512));
      return Buffer.concat([body.subarray(0, at), slice, slice, slice, body.subarray(at)]);
    }
    default:
      return Buffer.concat([body.subarray(0, at), other.subarray(int(random, Math.max(1, other.length)))]);
  }
}

/** Text-level mutations of OTLP/JSON that keep it mostly JSON: wrong types, huge numbers, broken ids, nulls. */
const JSON_EDITS: [RegExp, (random: Random) => string][] = [
  [/"stringValue"/, () => '"intValue"'],
  [/"intValue":"?\d+"?/, () => '"intValue":"99999999999999999999999999"'],
  [/"timeUnixNano":"\d+"/, () => '"timeUnixNano":-1'],
  [
    /"startTimeUnixNano":"\d+"/,
    (r) =>
      [
        '"startTimeUnixNano":"0"',
        '"startTimeUnixNano":null',
        '"startTimeUnixNano":"9999999999999999999999"',
        '"startTimeUnixNano":1e400',
      ][int(r, 4)]!,
  ],
  [
    /"traceId":"[0-9a-fA-F]+"/,
    (r) => ['"traceId":"zz"', '"traceId":""', '"traceId":null', `"traceId":"${'0'.repeat(32)}"`][int(r, 4)]!,
  ],
  [/"spanId":"[0-9a-fA-F]+"/, (r) => ['"spanId":{}', '"spanId":"GGGGGGGGGGGGGGGG"', '"spanId":[1,2]'][int(r, 3)]!],
  [/"attributes":\[/, () => '"attributes":[null,'],
  [/"value":\{/, () => '"value":{"kvlistValue":{"values":[{"key":"k","value":{"arrayValue":{"values":[null]}}}]},'],
  [/"events":\[/, () => '"events":{"0":'],
  [/"resourceSpans":\[/, () => '"resourceSpans":[{"scopeSpans":"nope"},'],
  [/"key":"xray\.span\.kind"/, () => '"key":"xray.span.kind\\u0000"'],
  [/"stringValue":"[^"]*"/, () => '"stringValue":"\\ud800\\udc00\\ud800"'],
  [/,/, () => ',,'],
  [/\}/, () => ''],
];

function mutateJson(random: Random, body: Buffer): Buffer {
  let text = body.toString('utf8');
  for (let i = 0, n = 1 + int(random, 3); i < n; i++) {
    const [pattern, replacement] = JSON_EDITS[int(random, JSON_EDITS.length)]!;
    const matches = [...text.matchAll(new RegExp(pattern.source, 'g'))];
    const m = matches[int(random, Math.max(1, matches.length))];
    if (m?.index !== undefined) text = text.slice(0, m.index) + replacement(random) + text.slice(m.index + m[0].length);
  }
  return Buffer.from(text, 'utf8');
}

/** Nesting far deeper than any parser should recurse: top-level garbage, or inside an attribute value. */
function deepJson(random: Random, depth: number, base: Buffer): { body: Buffer; expect: FuzzCase['expect'] } {
  if (random() < 0.5) return { body: Buffer.from('['.repeat(depth) + '1' + ']'.repeat(depth)), expect: '4xx' };
  const nested =
    '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"x"}' + '}]}}'.repeat(depth);
  const text = base.toString('utf8').replace(/"value":\{"stringValue":"[^"]*"\}/, `"value":${nested}`);
  return { body: Buffer.from(text), expect: '2xx-or-4xx' };
}

/**
 * `count` fuzzed requests built from real bodies (deterministic for a seed): mutated protobuf and
 * JSON, random bytes, deep JSON, bad gzip, gzip of mutated bodies, and unknown content types or
 * encodings. Valid-looking mutations may be accepted; what is broken for sure must be a 4xx.
 */
export function fuzzCases(random: Random, bodies: readonly OtlpBody[], count: number): FuzzCase[] {
  const proto = (body: Buffer, kind: string, expect: FuzzCase['expect'] = '2xx-or-4xx'): FuzzCase => ({
    kind,
    body,
    headers: { 'content-type': CONTENT_TYPES.protobuf },
    expect,
  });
  const json = (body: Buffer, kind: string, expect: FuzzCase['expect'] = '2xx-or-4xx'): FuzzCase => ({
    kind,
    body,
    headers: { 'content-type': CONTENT_TYPES.json },
    expect,
  });
  const gzipped = (c: FuzzCase, kind: string, expect: FuzzCase['expect']): FuzzCase => ({
    ...c,
    kind,
    body: c.body,
    headers: { ...c.headers, 'content-encoding': 'gzip' },
    expect,
  });
  const body = () => bodies[int(random, bodies.length)]!;
  const makers: [number, () => FuzzCase][] = [
    [30, () => proto(mutateBytes(random, body().protobuf, body().protobuf), 'mutated-protobuf')],
    [20, () => json(mutateBytes(random, body().json, body().json), 'mutated-json-bytes')],
    [15, () => json(mutateJson(random, body().json), 'mutated-json')],
    [5, () => proto(bytes(random, 1 + int(random, 4096)), 'random-bytes-protobuf')],
    [5, () => json(bytes(random, 1 + int(random, 4096)), 'random-bytes-json', '4xx')],
    [
      3,
      () => {
        const deep = deepJson(random, 1000 * (1 + int(random, 100)), body().json);
        return json(deep.body, 'deep-json', deep.expect);
      },
    ],
    [5, () => gzipped(proto(bytes(random, 1 + int(random, 2048)), ''), 'bad-gzip-random', '4xx')],
    [
      4,
      () => {
        const zipped = gzipSync(body().protobuf);
        return gzipped(
          proto(zipped.subarray(0, 10 + int(random, zipped.length - 20)), ''),
          'bad-gzip-truncated',
          '4xx'
        );
      },
    ],
    [
      3,
      () => {
        const zipped = Buffer.from(gzipSync(body().json));
        zipped[zipped.length - 8 + int(random, 4)]! ^= 0xff; // the CRC-32 no longer matches the data
        return gzipped(json(zipped, ''), 'bad-gzip-checksum', '4xx');
      },
    ],
    [
      7,
      () =>
        gzipped(
          proto(gzipSync(mutateBytes(random, body().protobuf, body().protobuf)), ''),
          'gzip-mutated-protobuf',
          '2xx-or-4xx'
        ),
    ],
    [
      3,
      () => ({
        kind: 'wrong-content-type',
        body: body().protobuf,
        headers: { 'content-type': ['text/plain', 'application/xml', 'application/grpc', ''][int(random, 4)]! },
        expect: '4xx',
      }),
    ],
    [
      2,
      () => ({
        kind: 'wrong-encoding',
        body: body().protobuf,
        headers: {
          'content-type': CONTENT_TYPES.protobuf,
          'content-encoding': ['br', 'deflate', 'zstd', 'gzip, gzip'][int(random, 4)]!,
        },
        expect: '4xx',
      }),
    ],
  ];
  const total = makers.reduce((n, [w]) => n + w, 0);
  return Array.from({ length: count }, () => {
    let roll = random() * total;
    for (const [weight, make] of makers) {
      if ((roll -= weight) < 0) return make();
    }
    return makers[0]![1]();
  });
}

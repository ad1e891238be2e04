import { describe, expect, it } from 'vitest';
import {
  CIRCULAR_MARKER,
  JsonArrayBuilder,
  TRUNCATED_KEY,
  UNSERIALIZABLE_MARKER,
  createSerializer,
  truncated,
} from './serialize.js';

const MAX = 1024;

function serializer(maxBytes = MAX) {
  const counters = { serializationFailures: 0, truncatedValues: 0 };
  return { serialize: createSerializer(maxBytes, counters), counters };
}

/** Parses `json`, failing the test if it is not valid JSON or not within the byte budget. */
function parsed(json: string | undefined, maxBytes = MAX): unknown {
  expect(json).toBeTypeOf('string');
  expect(Buffer.byteLength(json!)).toBeLessThanOrEqual(maxBytes);
  return JSON.parse(json!);
}

describe('safe serialisation', () => {
  it('matches JSON.stringify for ordinary values', () => {
    const { serialize, counters } = serializer();
    const value = { a: 1, b: 'two', c: [true, null], d: new Date(0), nested: { e: 1.5 } };
    expect(serialize(value)).toBe(JSON.stringify(value));
    expect(serialize('plain')).toBe('"plain"');
    expect(serialize(() => 1)).toBeUndefined();
    expect(counters).toEqual({ serializationFailures: 0, truncatedValues: 0 });
  });

  it('replaces cycles with a marker and keeps repeated, non-cyclic references', () => {
    const { serialize, counters } = serializer();
    const shared = { x: 1 };
    const node: Record<string, unknown> = { name: 'root', left: shared, right: shared };
    node['self'] = node;
    node['list'] = [node, 2];
    expect(parsed(serialize(node))).toEqual({
      name: 'root',
      left: { x: 1 },
      right: { x: 1 },
      self: CIRCULAR_MARKER,
      list: [CIRCULAR_MARKER, 2],
    });
    expect(counters.serializationFailures).toBe(1);
  });

  it('writes BigInts as strings and drops functions and symbols as JSON does', () => {
    const { serialize } = serializer();
    const value = { big: 2n ** 70n, f: () => 1, s: Symbol('s'), list: [1n, () => 1, Symbol('t')], n: Number.NaN };
    expect(parsed(serialize(value))).toEqual({ big: '1180591620717411303424', list: ['1', null, null], n: null });
  });

  it('turns a throwing getter or toJSON into a marker instead of throwing', () => {
    const { serialize } = serializer();
    const hostile = {
      ok: 1,
      get bad(): never {
        throw new Error('getter exploded');
      },
      inner: {
        toJSON: (): never => {
          throw new Error('toJSON exploded');
        },
      },
      n: 5n,
    };
    expect(parsed(serialize(hostile))).toEqual({
      ok: 1,
      bad: `${UNSERIALIZABLE_MARKER} getter exploded`,
      inner: `${UNSERIALIZABLE_MARKER} toJSON exploded`,
      n: '5',
    });
  });

  it('survives proxies whose traps throw', () => {
    const { serialize } = serializer();
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      }
    );
    expect(parsed(serialize({ trap, n: 1n }))).toEqual({ trap: {}, n: '1' });
  });

  it('truncates a huge value into a valid JSON marker that fits the budget', () => {
    const { serialize, counters } = serializer();
    const huge = { text: 'é"\\'.repeat(100_000) };
    const marker = parsed(serialize(huge)) as Record<string, unknown>;
    expect(marker[TRUNCATED_KEY]).toBe(true);
    expect(marker['originalBytes']).toBe(Buffer.byteLength(JSON.stringify(huge)));
    expect(JSON.stringify(huge).startsWith(marker['preview'] as string)).toBe(true);
    expect((marker['preview'] as string).length).toBeGreaterThan(200);
    expect(counters.truncatedValues).toBe(1);
  });

  it('truncates cyclic and BigInt-laden values too, stopping early', () => {
    const { serialize } = serializer();
    const big: Record<string, unknown> = { n: 1n, rows: Array.from({ length: 10_000 }, (_, i) => ({ i })) };
    big['self'] = big;
    const marker = parsed(serialize(big)) as Record<string, unknown>;
    expect(marker[TRUNCATED_KEY]).toBe(true);
    expect(marker['originalBytes']).toBeUndefined(); // stopped before the end: size unknown
  });

  it('serialises only as much of a long array as fits', () => {
    const { serialize } = serializer();
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, payload: 'p'.repeat(50) }));
    const marker = parsed(serialize(rows)) as Record<string, unknown>;
    expect(marker[TRUNCATED_KEY]).toBe(true);
    expect(JSON.stringify(rows).startsWith(marker['preview'] as string)).toBe(true);
    const short = Array.from({ length: 100 }, (_, i) => (i % 2 ? i : undefined));
    expect(serialize(short)).toBe(JSON.stringify(short));
  });

  it('never splits a surrogate pair in a preview', () => {
    const text = '😀'.repeat(1000);
    for (const max of [256, 257, 258, 259, 300]) {
      const out = truncated(text, max, 4000);
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(max);
      const preview = (JSON.parse(out) as { preview: string }).preview;
      expect(preview.length % 2).toBe(0);
      expect(preview).not.toMatch(/[\ud800-\udbff]$/);
    }
  });

  it('handles nesting deeper than the native stack allows', () => {
    const { serialize } = serializer(64 * 1024);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 200_000; i++) deep = deep['next'] = {};
    expect(() => parsed(serialize(root), 64 * 1024)).not.toThrow();
  });

  it('keeps a value whole up to the cap, however far past the preview size', () => {
    const counters = { serializationFailures: 0, truncatedValues: 0 };
    const serialize = createSerializer(1024 * 1024, counters, 256);
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, tags: [i % 7, 'x'], at: new Date(i) }));
    expect(serialize(rows)).toBe(JSON.stringify(rows));
    const marker = parsed(serialize('y'.repeat(2 * 1024 * 1024)), 256) as Record<string, unknown>;
    expect(marker).toMatchObject({ [TRUNCATED_KEY]: true, originalBytes: 2 * 1024 * 1024 + 2 });
    expect(counters.truncatedValues).toBe(1);
  });

  it('says why in the marker when a value was cut for another reason than the cap', () => {
    expect(JSON.parse(truncated('"abcdef"', 256, 8, 'queue_full'))).toEqual({
      [TRUNCATED_KEY]: true,
      originalBytes: 8,
      reason: 'queue_full',
      preview: '"abcdef"',
    });
  });
});

describe('an array built element by element (a step output)', () => {
  it('gives what JSON.stringify gives for the whole array, hostile elements made safe', () => {
    const counters = { serializationFailures: 0, truncatedValues: 0 };
    const builder = new JsonArrayBuilder(1024 * 1024, 256, counters);
    const values: unknown[] = Array.from(
      { length: 1000 },
      (_, i) => [i, `s${i}`, { i }, undefined, () => i, new Date(i), null, [i]][i % 8]
    );
    for (const v of values) builder.push(v);
    expect(builder.json()).toBe(JSON.stringify(values));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const safe = new JsonArrayBuilder(1024, 256, counters);
    for (const v of [1, cyclic, 2n]) safe.push(v);
    expect(JSON.parse(safe.json())).toEqual([1, { a: 1, self: CIRCULAR_MARKER }, '2']);
    expect(counters).toEqual({ serializationFailures: 2, truncatedValues: 0 });
  });

  it('stops holding elements once past its cap, and ends as a marker within the preview size', () => {
    const counters = { serializationFailures: 0, truncatedValues: 0 };
    const builder = new JsonArrayBuilder(4096, 256, counters);
    for (let i = 0; i < 10_000; i++) builder.push({ id: i, text: 'long enough to pass the cap soon' });
    const marker = parsed(builder.json(), 256) as Record<string, unknown>;
    expect(marker[TRUNCATED_KEY]).toBe(true);
    expect(marker['originalBytes']).toBeUndefined(); // it stopped counting: the size is unknown
    expect(marker['preview']).toMatch(/^\[\{"id":0,/);
    expect(counters.truncatedValues).toBe(1);
  });
});

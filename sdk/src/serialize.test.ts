import { describe, expect, it } from 'vitest';
import { CIRCULAR_MARKER, TRUNCATED_KEY, UNSERIALIZABLE_MARKER, createSerializer, truncated } from './serialize.js';

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
});

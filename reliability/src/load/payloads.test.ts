import { describe, expect, it } from 'vitest';
import { bodyBytes, bodyText, LARGE_EVERY_RUNS, PAYLOAD_SIZES } from './payloads.js';

describe('mixed-size inputs', () => {
  it('are the same for the same label, run and index, and never longer than asked', () => {
    expect(bodyText('a', 50_000)).toBe(bodyText('a', 50_000));
    expect(bodyText('a', 50_000)).not.toBe(bodyText('b', 50_000));
    const text = bodyText('a', 50_000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(50_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(49_900);
  });

  it('are mostly small, some medium, and one large item in every run of a cycle', () => {
    const runs = 4 * LARGE_EVERY_RUNS;
    const sizes = Array.from({ length: runs }, (_, run) =>
      Array.from({ length: 100 }, (_, i) => bodyBytes('t', run, i))
    );
    const all = sizes.flat();
    expect(all.filter((b) => b >= PAYLOAD_SIZES.LARGE.min)).toHaveLength(4);
    const medium = all.filter((b) => b >= PAYLOAD_SIZES.MEDIUM.min && b < PAYLOAD_SIZES.MEDIUM.max).length;
    expect(medium).toBeGreaterThan(30);
    expect(medium).toBeLessThan(150);
    expect(all.filter((b) => b === 0).length).toBeGreaterThan(0.8 * all.length);
  });
});

import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  it('admits a burst, then asks to wait exactly as long as the debt takes to pay back', () => {
    let now = 0;
    const limiter = createRateLimiter({
      defaults: { spansPerSecond: 100, bytesPerSecond: 0 },
      burstSeconds: 2,
      now: () => now,
    });
    expect(limiter.retryAfter('k')).toBe(0);
    limiter.charge('k', 450, 0); // 200 of burst, 250 in debt
    expect(limiter.retryAfter('k')).toBe(3); // 250 spans at 100/s, rounded up
    now = 2400;
    expect(limiter.retryAfter('k')).toBe(1);
    now = 2500;
    expect(limiter.retryAfter('k')).toBe(0);
  });

  it('limits bytes the same way, and never refills beyond the burst', () => {
    let now = 0;
    const limiter = createRateLimiter({
      defaults: { spansPerSecond: 0, bytesPerSecond: 1000 },
      burstSeconds: 1,
      now: () => now,
    });
    now = 60_000; // a long quiet spell
    limiter.charge('k', 1e6, 1500);
    expect(limiter.retryAfter('k')).toBe(1);
  });

  it("keeps keys apart and lets a key's own limits override the defaults", () => {
    const limiter = createRateLimiter({ defaults: { spansPerSecond: 10, bytesPerSecond: 0 }, now: () => 0 });
    limiter.charge('a', 100, 0);
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    expect(limiter.retryAfter('b')).toBe(0);
    limiter.charge('c', 100, 0, { spansPerSecond: 0 });
    expect(limiter.retryAfter('c', { spansPerSecond: 0 })).toBe(0);
  });

  it('forgets the least recently seen keys beyond its capacity', () => {
    const limiter = createRateLimiter({ defaults: { spansPerSecond: 1, bytesPerSecond: 0 }, maxKeys: 2, now: () => 0 });
    limiter.charge('a', 10, 0);
    limiter.charge('b', 10, 0);
    limiter.charge('c', 10, 0); // evicts a
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('c')).toBeGreaterThan(0);
  });
});

/**
 * Per-key rate limits on spans and bytes per second: a token bucket per key and resource that
 * holds `burstSeconds` worth of tokens. A request is admitted while neither bucket is in debt and
 * is charged what it turned out to carry (its size is unknown until it is read and decoded), so one
 * large request may push a bucket into debt; the next requests wait until it is paid back.
 * Limits hold per receiver process: N receivers behind a load balancer admit up to N times as much.
 */

/** Spans and bytes per second; 0 means unlimited. */
export interface Limits {
  spansPerSecond: number;
  bytesPerSecond: number;
}

export interface RateLimiterOptions {
  /** Limits of keys that set none of their own. */
  defaults: Limits;
  /** Seconds of traffic a quiet key may send at once (default 2). */
  burstSeconds?: number;
  /** Most keys tracked; the least recently seen is forgotten first (default 10,000). */
  maxKeys?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export interface RateLimiter {
  /** Whole seconds to wait before the key may send again, or 0 when it may send now. */
  retryAfter(keyId: string, limits?: Partial<Limits>): number;
  /** Charges an admitted request's spans and bytes to the key. */
  charge(keyId: string, spans: number, bytes: number, limits?: Partial<Limits>): void;
}

interface Buckets {
  spans: number;
  bytes: number;
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const burst = options.burstSeconds ?? 2;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, Buckets>();

  const effective = (limits: Partial<Limits> | undefined): Limits => ({
    spansPerSecond: limits?.spansPerSecond ?? options.defaults.spansPerSecond,
    bytesPerSecond: limits?.bytesPerSecond ?? options.defaults.bytesPerSecond,
  });
  /** The key's buckets, refilled up to now. */
  const refill = (keyId: string, limits: Limits): Buckets => {
    const t = now();
    let b = buckets.get(keyId);
    if (!b) {
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
      b = { spans: limits.spansPerSecond * burst, bytes: limits.bytesPerSecond * burst, at: t };
    } else {
      const seconds = (t - b.at) / 1000;
      b.spans = Math.min(limits.spansPerSecond * burst, b.spans + seconds * limits.spansPerSecond);
      b.bytes = Math.min(limits.bytesPerSecond * burst, b.bytes + seconds * limits.bytesPerSecond);
      b.at = t;
      buckets.delete(keyId); // re-inserted below: the map's order is least recently seen first
    }
    buckets.set(keyId, b);
    return b;
  };
  const wait = (tokens: number, rate: number) => (rate > 0 && tokens < 0 ? -tokens / rate : 0);

  return {
    retryAfter(keyId, limits) {
      const l = effective(limits);
      if (l.spansPerSecond === 0 && l.bytesPerSecond === 0) return 0;
      const b = refill(keyId, l);
      const seconds = Math.max(wait(b.spans, l.spansPerSecond), wait(b.bytes, l.bytesPerSecond));
      return seconds > 0 ? Math.ceil(seconds) : 0;
    },
    charge(keyId, spans, bytes, limits) {
      const l = effective(limits);
      if (l.spansPerSecond === 0 && l.bytesPerSecond === 0) return;
      const b = refill(keyId, l);
      if (l.spansPerSecond > 0) b.spans -= spans;
      if (l.bytesPerSecond > 0) b.bytes -= bytes;
    },
  };
}

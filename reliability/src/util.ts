/** Small helpers shared by the tests. */

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));

/** Polls `probe` every 50 ms until it is true; false if `timeoutMillis` passes first. */
export async function until(probe: () => boolean | Promise<boolean>, timeoutMillis: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(50);
  }
  return false;
}

/** The p-th percentile (0-100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same hostile inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sizes scaled by XRAY_RELIABILITY_SCALE, never below `min`. */
export function scaled(base: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(base * scale));
}

/** Prometheus text as `name{labels}` -> value. */
export async function readMetrics(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Answers to POST /v1/traces by status, from the receiver's /metrics. */
export async function receiverStatuses(receiverUrl: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, value] of await readMetrics(receiverUrl)) {
    const m = /^xray_receiver_requests_total\{status="(\d+)"\}$/.exec(name);
    if (m) out[m[1]!] = value;
  }
  return out;
}

/** Resident memory of a service, in MB, from its /metrics. */
export async function residentMb(baseUrl: string): Promise<number> {
  return ((await readMetrics(baseUrl)).get('process_resident_memory_bytes') ?? NaN) / 1024 / 1024;
}

/** A service's CPU seconds, from its /metrics. */
export async function cpuSeconds(baseUrl: string): Promise<number> {
  return (await readMetrics(baseUrl)).get('process_cpu_seconds_total') ?? NaN;
}

/** True when GET `url` answers 2xx within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

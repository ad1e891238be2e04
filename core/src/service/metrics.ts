/**
 * Prometheus text exposition (format 0.0.4) for the services' `/metrics`. Each service builds its
 * families from counters it already keeps; this only renders them.
 */
export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** `xray_<service>_<what>[_<unit>]`, with `_total` for counters. */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: MetricSample[];
}

/** Content type of the rendering. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Renders metric families as Prometheus text. */
export function renderMetrics(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${labels(s.labels)} ${Number.isFinite(s.value) ? s.value : 0}\n`;
  }
  return out;
}

function labels(l: Record<string, string> | undefined): string {
  if (!l) return '';
  const parts = Object.entries(l).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** One sample per key of a `{ label value: count }` record, e.g. requests by status. */
export function byLabel(label: string, counts: Record<string, number>): MetricSample[] {
  return Object.entries(counts).map(([value, n]) => ({ labels: { [label]: value }, value: n }));
}

/** Runs reachability checks (a check that throws counts as unreachable) for a `/readyz` answer. */
export async function readiness(
  checks: Record<string, () => Promise<boolean>>
): Promise<{ ready: boolean; body: Record<string, string> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => checks[name]!().catch(() => false)));
  const ready = results.every(Boolean);
  return {
    ready,
    body: {
      status: ready ? 'ready' : 'not ready',
      ...Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'unreachable'])),
    },
  };
}

/** The standard process families (CPU seconds, resident memory), so throughput can be put per CPU-second. */
export function processMetrics(): MetricFamily[] {
  const cpu = process.cpuUsage();
  return [
    {
      name: 'process_cpu_seconds_total',
      help: 'User and system CPU time spent, in seconds.',
      type: 'counter',
      samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
    },
    {
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size, in bytes.',
      type: 'gauge',
      samples: [{ value: process.memoryUsage.rss() }],
    },
  ];
}

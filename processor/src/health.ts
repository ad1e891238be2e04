import { createServer, type Server } from 'node:http';
import { processMetrics, PROMETHEUS_CONTENT_TYPE, readiness, renderMetrics } from '@xray/core/service';
import type { ProcessorStats } from './processor.js';
import type { GroupConsumer } from './stream.js';

/** What the health endpoint needs to know. */
export interface HealthDeps {
  consumer: string;
  stream: string;
  stats: ProcessorStats;
  queue: Pick<GroupConsumer, 'backlog'>;
  /** Checks of each dependency, e.g. `{ redis, clickhouse, s3 }`; true when reachable. */
  checks: Record<string, () => Promise<boolean>>;
}

/**
 * `/healthz` (alive; 503 while writes keep failing), `/readyz` (every dependency reachable),
 * `/metrics` (Prometheus) and `/stats` (JSON counters).
 */
export function createHealthServer(d: HealthDeps): Server {
  return createServer((req, res) => {
    void answer(req.url ?? '/', d).then(
      ({ status, body, type }) => res.writeHead(status, { 'Content-Type': type }).end(body),
      (err: unknown) =>
        res
          .writeHead(500, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'internal_error', message: (err as Error).message } }))
    );
  });
}

async function answer(url: string, d: HealthDeps): Promise<{ status: number; body: string; type: string }> {
  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), type: 'application/json' });
  const failing = d.stats.consecutiveFailures >= 3;
  switch (url) {
    case '/healthz':
      return json(failing ? 503 : 200, { status: failing ? 'failing' : 'ok', consumer: d.consumer });
    case '/stats':
      return json(200, { status: failing ? 'failing' : 'ok', consumer: d.consumer, ...d.stats });
    case '/readyz': {
      const { ready, body } = await readiness(d.checks);
      return json(ready ? 200 : 503, body);
    }
    case '/metrics':
      return { status: 200, body: await metrics(d), type: PROMETHEUS_CONTENT_TYPE };
    default:
      return json(404, { error: { code: 'not_found', message: 'Try /healthz, /readyz, /metrics or /stats.' } });
  }
}

async function metrics(d: HealthDeps): Promise<string> {
  const s = d.stats;
  const backlog = await d.queue.backlog().catch(() => undefined);
  const labels = { consumer: d.consumer };
  const counter = (name: string, help: string, value: number) => ({
    name: `xray_processor_${name}_total`,
    help,
    type: 'counter' as const,
    samples: [{ labels, value }],
  });
  const gauge = (name: string, help: string, value: number) => ({
    name: `xray_processor_${name}`,
    help,
    type: 'gauge' as const,
    samples: [{ labels: { stream: d.stream }, value }],
  });
  return renderMetrics([
    ...processMetrics(),
    counter('entries', 'Stream entries written and acknowledged.', s.entries),
    counter('spans', 'Spans written.', s.spans),
    counter('decisions', 'Decision rows written.', s.decisions),
    counter('payload_objects', 'Payload objects written to S3.', s.objects),
    counter('dead_lettered', 'Entries moved to the dead-letter stream.', s.deadLettered),
    counter('write_failures', 'Batches whose write or read failed (retried).', s.writeFailures),
    counter('trimmed', 'Acknowledged entries trimmed from the stream.', s.trimmed),
    counter('writes', 'Batch writes completed (S3 then ClickHouse).', s.writes),
    counter(
      'write_seconds',
      'Time spent in completed batch writes; divide by writes for the mean insert latency.',
      s.writeMillisTotal / 1000
    ),
    ...(backlog
      ? [
          gauge('queue_length', 'Entries in the stream.', backlog.length),
          gauge('queue_pending', 'Entries delivered to the group and not yet acknowledged.', backlog.pending),
          gauge('queue_lag', 'Entries not yet delivered to the group: the processing lag.', backlog.lag),
          gauge(
            'lag_seconds',
            'Age of the oldest entry not yet acknowledged (pending or undelivered); 0 when caught up.',
            backlog.oldestAgeMillis / 1000
          ),
        ]
      : []),
  ]);
}

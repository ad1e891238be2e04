/**
 * The processor's HTTP endpoints, for the local stack, orchestrators and tests: the services' ops
 * app (`/healthz`: alive, 503 while writes keep failing; `/readyz`: Redis, ClickHouse and S3
 * reachable; `/metrics`: Prometheus) and `/stats` (the counters as JSON).
 */
import { createOpsApp, type MetricFamily } from '@xray/core/service';
import type { Hono } from 'hono';
import type { JanitorStats } from './janitor-pass.js';
import type { ProcessorStats } from './stats.js';
import type { GroupConsumer } from './stream.js';

/** Failed writes in a row after which `/healthz` answers 503. */
const FAILING_AFTER_WRITES = 3;

/** What the endpoints need to know. */
export interface ProcessorOpsDeps {
  consumer: string;
  stream: string;
  stats: ProcessorStats;
  /** The janitor's counters, when it runs in this processor. */
  janitor?: JanitorStats;
  queue: Pick<GroupConsumer, 'backlog'>;
  /** Checks of each dependency, e.g. `{ redis, clickhouse, s3 }`; true when reachable. */
  checks: Record<string, () => Promise<boolean>>;
}

/** `/healthz`, `/readyz`, `/metrics` and `/stats`; anything else is a JSON 404 naming them. */
export function createProcessorOps(d: ProcessorOpsDeps): Hono {
  const status = () => (d.stats.consecutiveFailures >= FAILING_AFTER_WRITES ? 'failing' : 'ok');
  const app = createOpsApp({
    health: () => ({ ok: status() === 'ok', details: { consumer: d.consumer } }),
    checks: d.checks,
    metrics: () => processorMetrics(d),
  });
  app.get('/stats', (c) => c.json({ status: status(), consumer: d.consumer, ...d.stats }));
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: 'Try /healthz, /readyz, /metrics or /stats.' } }, 404)
  );
  app.onError((err, c) => c.json({ error: { code: 'internal_error', message: err.message } }, 500));
  return app;
}

async function processorMetrics(d: ProcessorOpsDeps): Promise<MetricFamily[]> {
  const s = d.stats;
  const backlog = await d.queue.backlog().catch(() => undefined);
  const labels = { consumer: d.consumer };
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name: `xray_processor_${name}_total`,
    help,
    type: 'counter',
    samples: [{ labels, value }],
  });
  const gauge = (name: string, help: string, value: number): MetricFamily => ({
    name: `xray_processor_${name}`,
    help,
    type: 'gauge',
    samples: [{ labels: { stream: d.stream }, value }],
  });
  return [
    counter('entries', 'Stream entries written and acknowledged.', s.entries),
    counter('spans', 'Spans written.', s.spans),
    counter('decisions', 'Decision rows written.', s.decisions),
    counter('payload_objects', 'Payload objects written to S3.', s.objects),
    counter('payload_values_stored', 'Distinct payload values stored by content (SHA-256).', s.blobsStored),
    counter('payload_values_deduplicated', 'Payload values found already stored, not written again.', s.blobsExisting),
    counter('dead_lettered', 'Entries moved to the dead-letter stream.', s.deadLettered),
    counter('write_failures', 'Batches whose write or read failed (retried).', s.writeFailures),
    counter('trimmed', 'Acknowledged entries trimmed from the stream.', s.trimmed),
    counter('writes', 'Batch writes completed (S3 then ClickHouse).', s.writes),
    counter(
      'write_seconds',
      'Time spent in completed batch writes; divide by writes for the mean insert latency.',
      s.writeMillisTotal / 1000
    ),
    ...(d.janitor ? janitorMetrics(d.janitor, counter, labels) : []),
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
  ];
}

/** The janitor's passes here (one processor of the deployment holds the lock at a time). */
function janitorMetrics(
  j: JanitorStats,
  counter: (name: string, help: string, value: number) => MetricFamily,
  labels: Record<string, string>
): MetricFamily[] {
  return [
    counter('janitor_passes', 'Janitor passes this processor ran (it held the lock).', j.passes),
    counter(
      'janitor_objects_deleted',
      'Payload objects the janitor deleted (expired days, purged projects, run deletions it finished).',
      j.objectsDeleted
    ),
    counter('janitor_partitions_dropped', 'Expired partitions the janitor dropped.', j.partitionsDropped),
    counter('janitor_rows_dropped', 'Rows the dropped partitions held.', j.rowsDropped),
    counter('janitor_failures', 'Janitor steps that failed (retried on the next pass).', j.failures),
    ...(j.lastPassMs === undefined
      ? []
      : [
          {
            name: 'xray_processor_janitor_last_pass_timestamp_seconds',
            help: 'When this processor last ran a janitor pass (Unix time).',
            type: 'gauge' as const,
            samples: [{ labels, value: j.lastPassMs / 1000 }],
          },
          {
            name: 'xray_processor_janitor_last_pass_seconds',
            help: 'How long that pass took.',
            type: 'gauge' as const,
            samples: [{ labels, value: j.lastPassSeconds ?? 0 }],
          },
        ]),
  ];
}

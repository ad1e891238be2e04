import { check } from '../check/checker.js';
import { waitForDrain } from '../check/queue.js';
import { bearer, provisionKeys } from '../env/keys.js';
import type { SentSpan } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';

interface Tenant {
  name: string;
  projectId: string;
  read: Record<string, string>;
  spans: SentSpan[];
}

/**
 * Two projects on one deployment, each with its own keys. Each reads with its own read key: its own
 * runs only, and every id of the other (run, steps, decisions, items, pipeline) answers 404 or no
 * rows; each project's data is stored, complete, under its own project id and S3 prefix.
 */
export const tenantIsolation: ReliabilityTest = {
  name: 'tenant-isolation',
  timeoutSeconds: 90,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'tenants' });
    const bKeys = await provisionKeys(d.redisUrl, `${d.projectId}-b`);
    const a = await runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'ten-a',
      decisions: 2000,
      itemsPerRun: 100,
    });
    const b = await runLoad({
      endpoint: d.tracesUrl,
      headers: bearer(bKeys.ingestKey),
      label: 'ten-b',
      decisions: 2000,
      itemsPerRun: 100,
    });
    await waitForDrain(d, 60_000);
    const tenants: Tenant[] = [
      { name: 'A', projectId: d.projectId, read: d.readHeaders(), spans: a.ledger.acknowledged() },
      { name: 'B', projectId: bKeys.projectId, read: bearer(bKeys.readKey), spans: b.ledger.acknowledged() },
    ];
    const crossings: string[] = [];
    let probes = 0;
    let ownSeen = 0;
    for (const [self, other] of [
      [tenants[0]!, tenants[1]!],
      [tenants[1]!, tenants[0]!],
    ] as const) {
      const get = async (path: string) => {
        probes++;
        const res = await fetch(`${d.queryUrl}${path}`, { headers: self.read });
        return { status: res.status, body: (await res.json()) as Record<string, unknown[] | undefined> };
      };
      const list = await get('/v1/runs?limit=1000');
      const listed = new Set((list.body.runs ?? []).map((r) => String((r as { runId: string }).runId)));
      ownSeen += listed.size;
      const otherRuns = new Set(other.spans.map((s) => s.runId));
      if ([...listed].some((id) => otherRuns.has(id))) crossings.push(`${self.name} lists ${other.name}'s runs`);
      if (![...new Set(self.spans.map((s) => s.runId))].every((id) => listed.has(id)))
        crossings.push(`${self.name} does not list all its own runs`);
      const run = other.spans.find((s) => s.kind === 'run')!;
      const step = other.spans.find((s) => s.kind === 'step' && s.decisions.length > 0)!;
      const decision = step.decisions[0]!;
      const pipeline = String(run.fields.pipeline);
      for (const path of [
        `/v1/runs/${run.runId}`,
        `/v1/runs/${run.runId}/steps`,
        `/v1/steps/${step.stepId}/decisions`,
        `/v1/steps/${step.stepId}/decisions?itemId=${encodeURIComponent(decision.itemId)}`,
        `/v1/decisions/${step.stepId}-${decision.seq}`,
      ]) {
        const res = await get(path);
        if (res.status !== 404) crossings.push(`${self.name} GET ${path}: ${res.status}`);
      }
      const byName = await get(`/v1/runs?pipeline=${encodeURIComponent(pipeline)}`);
      if ((byName.body.runs ?? []).length !== 0)
        crossings.push(`${self.name} finds ${other.name}'s pipeline ${pipeline}`);
    }
    const checks = await Promise.all(
      tenants.map((t) => check({ ...d, projectId: t.projectId }, t.name === 'A' ? a.ledger : b.ledger))
    );
    const v = new Verdict().set({
      lost: checks[0]!.lost + checks[1]!.lost,
      duplicated: checks[0]!.duplicated + checks[1]!.duplicated,
      payload_mismatch: checks[0]!.payload_mismatch + checks[1]!.payload_mismatch,
      pending_left: checks[0]!.pending_left,
      dead_lettered: checks[0]!.dead_lettered,
      unexpected: checks[0]!.unexpected + checks[1]!.unexpected,
      probes,
      crossings: crossings.length,
      own_runs_listed: ownSeen,
    });
    return v
      .require(crossings.length === 0, crossings.slice(0, 4).join('; '))
      .require(
        checks.every((c) => c.lost === 0 && c.payload_mismatch === 0 && c.unexpected === 0),
        'a project is not stored complete, as sent, under its own id and prefix'
      )
      .result();
  },
};

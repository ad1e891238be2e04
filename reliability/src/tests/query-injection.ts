import { check, checkFigures } from '../check/checker.js';
import { waitForDrain } from '../check/queue.js';
import { SqlTap } from '../check/sql-tap.js';
import { bearer, provisionKeys } from '../env/keys.js';
import type { SentSpan } from '../load/ledger.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';

/** In every hostile string: found anywhere in ClickHouse's SQL text, a value was spliced in. */
const MARKER = 'xinj7';
const HOSTILE = [
  "'",
  "' OR '1'='1",
  "') OR ('1'='1",
  '" OR ""="',
  "'; DROP TABLE runs; --",
  "' UNION ALL SELECT * FROM system.tables --",
  "\\' OR 1=1 --",
  '{projectId:String}',
  "{p:String}' OR 1 --",
  "' OR project_id != '",
  '%',
  '_',
  '*',
  '\u0000',
  '\n OR 1=1',
  ' naïve ✓ 🎉',
  'A'.repeat(3000),
  "' FORMAT JSON --",
  ' SETTINGS readonly=0',
  '/*',
  '$$',
  '\u001b[31m',
  '../../etc/passwd',
  '%00',
  '%27',
].flatMap((h) => [`${MARKER}${h}`, `${h}${MARKER}`]);
/** Values the validators may take as numbers, times or limits. */
const EDGE = [
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999',
  '0x41',
  '1 OR 1=1',
  '2000-01-01',
  '',
  'null',
  '[]',
  '{}',
];

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Hostile strings in every query API parameter (path ids, filters, limits, times, cursors), with a
 * second project's ids as bait, read with project A's key: no 5xx, no row of project B (or any row
 * not A's) in any answer, and every value reaches ClickHouse as a bound parameter, never in SQL
 * text (seen on the wire through a pass-through proxy between the query API and ClickHouse).
 */
export const queryInjection: ReliabilityTest = {
  name: 'query-injection',
  timeoutSeconds: 120,
  async run(ctx) {
    const tap = new SqlTap();
    const d = await ctx.deploy({ label: 'inject', tapQuery: tap.onChunk });
    const other = await provisionKeys(d.redisUrl, `${d.projectId}-b`);
    const a = await runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'inj-a',
      decisions: 1500,
      itemsPerRun: 100,
    });
    const b = await runLoad({
      endpoint: d.tracesUrl,
      headers: bearer(other.ingestKey),
      label: 'inj-b',
      decisions: 1000,
      itemsPerRun: 100,
    });
    await waitForDrain(d, 60_000);
    const mine = ids(a.ledger.acknowledged());
    const theirs = ids(b.ledger.acknowledged());
    const aStep = [...mine.steps][0]!;
    const bRun = [...theirs.runs][0]!;
    const bStep = [...theirs.steps][0]!;
    const bait = [
      bRun,
      bRun.toUpperCase(),
      bStep,
      `${bStep}-0`,
      `${bStep}-1`,
      [...theirs.pipelines][0]!,
      [...theirs.items][0]!,
      `${bRun}' OR '1'='1`,
      cursor({ t: '2099-01-01 00:00:00.000000000', r: bRun }),
      cursor({ t: "' OR 1=1 --", r: 'x' }),
      cursor({ t: '2099-01-01 00:00:00.000000000', r: `${MARKER}' OR '1'='1` }),
      cursor(-1),
      cursor(1e20),
      cursor(`${MARKER} OR 1=1`),
      cursor(0),
    ];
    const values = [...HOSTILE, ...EDGE, ...bait];
    const e = encodeURIComponent;
    const paths = values.flatMap((v) => [
      `/v1/runs?pipeline=${e(v)}`,
      `/v1/runs?minEliminationRatio=${e(v)}`,
      `/v1/runs?from=${e(v)}`,
      `/v1/runs?to=${e(v)}`,
      `/v1/runs?limit=${e(v)}`,
      `/v1/runs?cursor=${e(v)}`,
      `/v1/runs/${e(v)}`,
      `/v1/runs/${e(v)}/steps`,
      `/v1/steps/${e(v)}/decisions`,
      `/v1/steps/${aStep}/decisions?outcome=${e(v)}`,
      `/v1/steps/${aStep}/decisions?itemId=${e(v)}`,
      `/v1/steps/${aStep}/decisions?limit=${e(v)}`,
      `/v1/steps/${aStep}/decisions?cursor=${e(v)}`,
      `/v1/decisions/${e(v)}`,
    ]);
    let fivexx = 0;
    let leaks = 0;
    const problems: string[] = [];
    for (const path of paths) {
      const res = await fetch(`${d.queryUrl}${path}`, { headers: d.readHeaders() }).catch(() => undefined);
      const text = res ? await res.text() : '';
      if (!res || res.status >= 500) {
        fivexx++;
        problems.push(`${res?.status ?? 'no answer'} ${path.slice(0, 120)}`);
        continue;
      }
      if (res.status !== 200) continue; // 400/404 messages may echo the input; only data can leak
      const foreign =
        foreignRows(JSON.parse(text) as unknown, mine) +
        [...theirs.runs, ...theirs.steps].filter((id) => text.includes(id)).length;
      if (foreign > 0) {
        leaks += foreign;
        problems.push(`leak ${path.slice(0, 120)}: ${text.slice(0, 200)}`);
      }
    }
    // The API must still work for its own data, and not see B's.
    const control = await Promise.all(
      [`/v1/runs?limit=1000`, `/v1/runs/${[...mine.runs][0]}`, `/v1/steps/${aStep}/decisions`, `/v1/runs/${bRun}`].map(
        async (p) =>
          (await fetch(`${d.queryUrl}${p}`, { headers: d.readHeaders() })).json() as Promise<Record<string, unknown>>
      )
    );
    const controlOk =
      (control[0]!.runs as unknown[]).length === mine.runs.size &&
      control[1]!.runId !== undefined &&
      (control[2]!.decisions as unknown[]).length > 0 &&
      control[3]!.error !== undefined;
    const wire = tap.occurrences(MARKER);
    const c = await check(d, a.ledger);
    ctx.log(`problems: ${problems.slice(0, 20).join(' | ') || 'none'}; clickhouse requests seen: ${tap.requests()}`);
    const v = new Verdict().set({
      ...checkFigures(c),
      requests: paths.length,
      '5xx': fivexx,
      leaked_rows: leaks,
      spliced_into_sql: wire.spliced,
      bound_params_seen: wire.bound,
      control_ok: controlOk,
    });
    return v
      .require(
        fivexx === 0,
        `5xx=${fivexx}: ${problems
          .filter((p) => !p.startsWith('leak'))
          .slice(0, 3)
          .join(', ')}`
      )
      .require(leaks === 0, `leaked_rows=${leaks}`)
      .require(wire.spliced === 0, `a hostile value reached ClickHouse inside SQL text ${wire.spliced} times`)
      .require(wire.bound > 0, 'no hostile value reached ClickHouse as a parameter: the wire check saw nothing')
      .require(controlOk, "the API did not answer project A's own data (or answered B's run)")
      .require(c.lost === 0 && c.pending_left === 0, `lost=${c.lost} pending_left=${c.pending_left}`)
      .result();
  },
};

interface Ids {
  runs: Set<string>;
  steps: Set<string>;
  items: Set<string>;
  pipelines: Set<string>;
}

function ids(spans: readonly SentSpan[]): Ids {
  const out: Ids = { runs: new Set(), steps: new Set(), items: new Set(), pipelines: new Set() };
  for (const s of spans) {
    out.runs.add(s.runId);
    if (s.stepId) out.steps.add(s.stepId);
    if (typeof s.fields.pipeline === 'string') out.pipelines.add(s.fields.pipeline);
    for (const d of s.decisions) out.items.add(d.itemId);
  }
  return out;
}

/** Rows in an answer that are not project A's: any run, step, item or pipeline A never sent. */
function foreignRows(body: unknown, mine: Ids): number {
  const b = body as { runs?: unknown[]; steps?: unknown[]; decisions?: unknown[] };
  const rows = [...(b.runs ?? []), ...(b.steps ?? []), ...(b.decisions ?? [])];
  if (rows.length === 0 && typeof body === 'object' && body !== null && 'runId' in body) rows.push(body);
  let foreign = 0;
  for (const row of rows as Record<string, unknown>[]) {
    const known =
      (row.runId === undefined || mine.runs.has(String(row.runId))) &&
      (row.stepId === undefined || mine.steps.has(String(row.stepId))) &&
      (row.itemId === undefined || mine.items.has(String(row.itemId))) &&
      (row.pipeline === undefined || mine.pipelines.has(String(row.pipeline)));
    if (!known) foreign++;
  }
  return foreign;
}

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkFigures } from '../check/checker.js';
import { waitForDrain } from '../check/queue.js';
import { runLoad } from '../load/generator.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled } from '../util.js';
import { fuzzApi, installedVersion } from './schemathesis.js';

const SEED = 20261205;
/** Generated test cases per operation and phase: about 6,000 requests in all, 1-2 minutes on 2 cores. */
const MAX_EXAMPLES = 200;
/**
 * One worker: with two, Hypothesis (describing a lambda, in `ast.parse`) now and then hits a CPython
 * 3.11 race between threads ("AST constructor recursion depth mismatch") and the run counts a Runtime
 * Error that is the tool's. Generation holds the GIL anyway: two workers were not faster.
 */
const WORKERS = 1;
const MIN_REQUESTS = 2000;
/**
 * Every check of Schemathesis but `positive_data_acceptance`, which wants every request the document
 * allows answered 2xx, 401, 403 or 404. Each parameter's schema is what its parser takes (patterns for
 * times, days, intervals, ids, cursors' alphabet, the webhook), so with it on the only refusals left
 * are of what no schema can express:
 * - a cursor the API did not hand out (400; cursors are opaque),
 * - `from` not before `to` (400, trends),
 * - more than 10,000 trend points for from..to at the interval (400),
 * - per-step trends (by=step, or step=) without a pipeline (400),
 * - a diff of two runs of different pipelines (400),
 * - an alert rule past the project's limit of 100 (400),
 * - a payload day past the project's retention (410, like a 404 a state of the data).
 * `negative_data_rejection` holds the other direction: what the document forbids is refused.
 */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'missing_required_header',
  'unsupported_method',
  'allow_header_conformance',
  'use_after_free',
  'ensure_resource_availability',
  'ignored_auth',
] as const;

/**
 * The query API fuzzed by Schemathesis against its own /openapi.json with a read key, over real
 * runs (its stateful phase follows the document's links from list answers to real run, step, decision,
 * item and alert-rule ids):
 * thousands of generated requests, valid and invalid, in every parameter and body. No 5xx, no answer
 * outside its documented status codes, content types, headers and schemas; what the document
 * forbids is refused. After it, the stored data is still all there (the checker).
 */
export const apiFuzz: ReliabilityTest = {
  name: 'api-fuzz',
  timeoutSeconds: 300,
  async run(ctx) {
    const v = new Verdict();
    const installed = await installedVersion();
    if (installed.problem) return v.require(false, installed.problem).result();
    // Alert rules the fuzzer creates are never evaluated: their webhooks are generated URLs.
    const d = await ctx.deploy({ label: 'apifuzz', env: { XRAY_ALERTS_INTERVAL_MS: '0' } });
    const load = await runLoad({
      endpoint: d.tracesUrl,
      headers: d.ingestHeaders(),
      label: 'afz',
      decisions: scaled(1500, ctx.scale),
      itemsPerRun: 100,
      mixedInputs: true,
    });
    await waitForDrain(d, 60_000);
    const dir = join(ctx.world.dir, 'api-fuzz');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const r = await fuzzApi({
      schemaUrl: `${d.queryUrl}/openapi.json`,
      // Spelled as the document's security scheme names it: ignored_auth removes it by that name.
      headers: { Authorization: `Bearer ${d.keys.readKey}` },
      checks: CHECKS,
      maxExamples: scaled(MAX_EXAMPLES, ctx.scale),
      workers: WORKERS,
      seed: SEED,
      dir,
      log: (line) => ctx.log(`[schemathesis] ${line}`),
      defer: (fn) => ctx.defer(fn),
    });
    const c = await check(d, load.ledger);
    const failed = Object.values(r.failedChecks).reduce((a, b) => a + b, 0);
    const violations = r.failedChecks.response_schema_conformance ?? 0;
    ctx.log(`answers by status: ${JSON.stringify(r.byStatus)}; failed checks: ${JSON.stringify(r.failedChecks)}`);
    for (const line of [...r.failures, ...r.errors, ...r.examples]) ctx.log(`finding: ${line}`);
    const stillServing = await fetch(`${d.queryUrl}/v1/runs?limit=1000`, { headers: d.readHeaders() });
    const listed = stillServing.ok ? ((await stillServing.json()) as { runs: unknown[] }).runs.length : -1;
    v.set({
      ...checkFigures(c),
      schemathesis: installed.version!,
      runs: load.runs,
      requests: r.requests,
      operations: `${r.operationsCovered}/${r.operations}`,
      '5xx': r.serverErrors,
      no_answer: r.noAnswer,
      schema_violations: violations,
      failed_checks: failed,
      '2xx': r.byStatus['2xx'] ?? 0,
      '4xx': r.byStatus['4xx'] ?? 0,
      fuzz_seconds: r.seconds,
    });
    return v
      .require(r.requests >= scaled(MIN_REQUESTS, ctx.scale), `only ${r.requests} requests (at least ${MIN_REQUESTS})`)
      .require(
        r.operationsCovered === r.operations && r.operations > 0,
        `operations=${r.operationsCovered}/${r.operations}`
      )
      .require(
        r.serverErrors === 0 && r.noAnswer === 0,
        `5xx=${r.serverErrors} no_answer=${r.noAnswer}: ${r.examples.slice(0, 2).join('; ')}`
      )
      .require(violations === 0, `schema_violations=${violations}`)
      .require(failed === 0, `failed checks ${JSON.stringify(r.failedChecks)}: ${r.failures.slice(0, 3).join('; ')}`)
      .require(
        r.exitCode === 0,
        `schemathesis exited ${r.exitCode}: ${[...r.failures, ...r.errors].slice(0, 3).join('; ') || 'see the log'}`
      )
      .require(listed === load.runs, `after the fuzzing the API lists ${listed} runs, ${load.runs} were sent`)
      .require(
        c.lost === 0 && c.duplicated === 0 && c.payload_mismatch === 0 && c.pending_left === 0 && c.dead_lettered === 0,
        `lost=${c.lost} duplicated=${c.duplicated} payload_mismatch=${c.payload_mismatch} pending_left=${c.pending_left} dead_lettered=${c.dead_lettered}`
      )
      .result();
  },
};

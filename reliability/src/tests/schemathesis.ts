import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Schemathesis (PyPI, pinned in reliability/requirements.txt) run as a child process against an
 * OpenAPI document, and its NDJSON report read back: every request it sent, every answer, every check.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const REQUIREMENTS = join(REPO, 'reliability', 'requirements.txt');

/** The Python that has Schemathesis: the tests' virtual environment (`npm run setup` makes it; XRAY_VENV moves it). */
export function pythonPath(): string {
  return join(process.env.XRAY_VENV ?? join(REPO, '.venv'), 'bin', 'python');
}

/** The version reliability/requirements.txt pins. */
export function pinnedVersion(): string | undefined {
  return /^schemathesis==(\S+)/m.exec(readFileSync(REQUIREMENTS, 'utf8'))?.[1];
}

const SETUP = `run "npm run setup" (npm test does): it makes the virtual environment with the pinned tools`;

/** The installed version, or why it cannot run (a sentence saying what to do). */
export async function installedVersion(): Promise<{ version?: string; problem?: string }> {
  const python = pythonPath();
  if (!existsSync(python)) return { problem: `no Python at ${python}: ${SETUP}` };
  const out = await run(python, ['-m', 'schemathesis.cli', '--version'], REPO, () => undefined);
  const version = /version (\S+)/.exec(out.stdout)?.[1];
  if (out.code !== 0 || !version) return { problem: `Schemathesis is not installed for ${python}: ${SETUP}` };
  const pinned = pinnedVersion();
  if (pinned && version !== pinned)
    return { version, problem: `Schemathesis ${version} is installed, ${pinned} is pinned: ${SETUP}` };
  return { version };
}

export interface FuzzOptions {
  /** URL of the OpenAPI document; the API is at its origin. */
  schemaUrl: string;
  headers: Record<string, string>;
  /** Check names (`schemathesis run --checks`). */
  checks: readonly string[];
  maxExamples: number;
  workers: number;
  seed: number;
  /** Where the reports (and Hypothesis' files) go: an empty folder, so no earlier report is read. */
  dir: string;
  log(line: string): void;
  /** Registers a cleanup of the test: the running tool is killed by it, should the test time out. */
  defer(fn: () => unknown): void;
}

/** What a run came to, counted from the NDJSON report. */
export interface FuzzReport {
  exitCode: number;
  seconds: number;
  /** Requests sent, those with an answer, answers by status class (`2xx`, ..., `none`). */
  requests: number;
  answered: number;
  byStatus: Record<string, number>;
  /** Answers 5xx, and requests without an answer (the connection failed). */
  serverErrors: number;
  noAnswer: number;
  /** Operations in the document, and those at least one request reached. */
  operations: number;
  operationsCovered: number;
  /** Failed checks by check name; `response_schema_conformance` is the schema violations. */
  failedChecks: Record<string, number>;
  /** The JSON report's failures: `<code> <title>: <operations>`, and its errors. */
  failures: string[];
  errors: string[];
  /** The first few failing requests, for the log. */
  examples: string[];
}

/** Runs `schemathesis run` with `o` and reads its reports. */
export async function fuzzApi(o: FuzzOptions): Promise<FuzzReport> {
  const args = [
    ...['-m', 'schemathesis.cli', 'run', o.schemaUrl, '--no-color'],
    ...Object.entries(o.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    ...['--checks', o.checks.join(','), '--max-examples', String(o.maxExamples), '--workers', String(o.workers)],
    ...['--seed', String(o.seed), '--request-timeout', '20', '--generation-database', 'none'],
    ...['--report', 'ndjson,json', '--report-dir', o.dir],
  ];
  const started = Date.now();
  const out = await run(pythonPath(), args, o.dir, o.log, o.defer);
  const report: FuzzReport = {
    exitCode: out.code,
    seconds: (Date.now() - started) / 1000,
    requests: 0,
    answered: 0,
    byStatus: {},
    serverErrors: 0,
    noAnswer: 0,
    operations: 0,
    operationsCovered: 0,
    failedChecks: {},
    failures: [],
    errors: [],
    examples: [],
  };
  const file = (prefix: string) => readdirSync(o.dir).find((f) => f.startsWith(prefix));
  const ndjson = file('ndjson-');
  if (!ndjson) throw new Error(`schemathesis wrote no report (exit ${out.code}): ${out.stderr.slice(-500)}`);
  await readNdjson(join(o.dir, ndjson), report);
  const json = file('json-');
  if (json) {
    const summary = JSON.parse(readFileSync(join(o.dir, json), 'utf8')) as JsonReport;
    report.failures = summary.failures.map((f) => `${f.code} ${f.title}: ${f.operations.join(', ')}`);
    report.errors = summary.errors.map((e) => JSON.stringify(e).slice(0, 300));
  }
  return report;
}

interface JsonReport {
  failures: { code: string; title: string; operations: string[] }[];
  errors: unknown[];
}

interface Interaction {
  request: { method: string; uri: string };
  response: { status_code: number } | null;
}
interface Recorder {
  label: string;
  interactions?: Record<string, Interaction>;
  checks?: Record<string, { name: string; status: string }[]>;
}

async function readNdjson(path: string, report: FuzzReport): Promise<void> {
  const covered = new Set<string>();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const loaded = event.LoadingFinished?.statistic as { operations?: { selected?: number } } | undefined;
    if (loaded) report.operations = loaded.operations?.selected ?? 0;
    const recorder = event.ScenarioFinished?.recorder as Recorder | undefined;
    if (!recorder) continue;
    for (const i of Object.values(recorder.interactions ?? {})) {
      report.requests++;
      // Each operation's own scenarios are labelled `<METHOD> <path>`; the stateful phase's chain them.
      if (/^[A-Z]+ \//.test(recorder.label)) covered.add(recorder.label);
      const status = i.response?.status_code;
      const bucket = status === undefined ? 'none' : `${Math.floor(status / 100)}xx`;
      report.byStatus[bucket] = (report.byStatus[bucket] ?? 0) + 1;
      if (status === undefined) report.noAnswer++;
      else report.answered++;
      if (status === undefined || status >= 500) {
        if (status !== undefined) report.serverErrors++;
        if (report.examples.length < 5)
          report.examples.push(`${status ?? 'no answer'} ${i.request.method} ${i.request.uri.slice(0, 300)}`);
      }
    }
    for (const [id, checks] of Object.entries(recorder.checks ?? {}))
      for (const c of checks)
        if (c.status === 'failure') {
          report.failedChecks[c.name] = (report.failedChecks[c.name] ?? 0) + 1;
          const i = recorder.interactions?.[id];
          if (i && report.examples.length < 5)
            report.examples.push(
              `${c.name}: ${i.response?.status_code ?? 'no answer'} ${i.request.method} ${i.request.uri.slice(0, 300)}`
            );
        }
  }
  report.operationsCovered = covered.size;
}

/** Runs a command; its output lines go to `log` (stdout is also kept). */
function run(
  command: string,
  args: string[],
  cwd: string,
  log: (line: string) => void,
  defer: (fn: () => unknown) => void = () => {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: '1',
        PATH: `${dirname(command)}:${process.env.PATH}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    defer(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    const lines = (chunk: Buffer, keep: (s: string) => void) => {
      const text = chunk.toString('utf8');
      keep(text);
      for (const line of text.split('\n')) if (line.trim()) log(line.slice(0, 2000));
    };
    child.stdout.on('data', (c: Buffer) => lines(c, (t) => (stdout = (stdout + t).slice(-200_000))));
    child.stderr.on('data', (c: Buffer) => lines(c, (t) => (stderr = (stderr + t).slice(-20_000))));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

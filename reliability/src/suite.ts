import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_FIGURES } from './check/checker.js';
import { Deployment, type DeploymentOptions } from './env/deployment.js';
import type { World } from './env/world.js';

/** A test's figures: name=value pairs, printed in insertion order. */
export type Figures = Record<string, number | string | boolean>;

export interface TestContext {
  world: World;
  /** XRAY_RELIABILITY_SCALE (default 1). */
  scale: number;
  /** Appends a line to this test's log file. */
  log(line: string): void;
  /** Runs `fn` when the test ends, however it ends (last registered first). */
  defer(fn: () => unknown): void;
  /** A deployment that is closed when the test ends. */
  deploy(options: DeploymentOptions): Promise<Deployment>;
}

export interface TestResult {
  figures: Figures;
  /** Why the test failed; empty when it passed. */
  failures: string[];
}

export interface ReliabilityTest {
  /** Kebab-case, as in `npm run test:reliability -- <name>`. */
  name: string;
  /** Whole seconds this test may take at scale 1 before it counts as failed. */
  timeoutSeconds: number;
  run(ctx: TestContext): Promise<TestResult>;
}

/** Collects a test's figures and the conditions it must meet. */
export class Verdict {
  readonly figures: Figures = {};
  readonly failures: string[] = [];

  /** Adds figures to the line. */
  set(figures: Figures): this {
    Object.assign(this.figures, figures);
    return this;
  }

  /** The test fails, with `failure` as the reason, unless `condition` holds. */
  require(condition: boolean, failure: string): this {
    if (!condition) this.failures.push(failure);
    return this;
  }

  result(): TestResult {
    return { figures: this.figures, failures: this.failures };
  }
}

/** `name=value` pairs; numbers with at most 2 decimals. */
export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(
      ([name, value]) =>
        `${name}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value)}`
    )
    .join(' ');
}

/** One test's line: verdict, name, the checker's five figures (`n/a` where a test stores nothing), the test's own, time, and why it failed. */
export function formatLine(name: string, result: TestResult, seconds: number): string {
  const verdict = result.failures.length === 0 ? 'PASS' : 'FAIL';
  const leading = Object.fromEntries(CHECK_FIGURES.map((f) => [f, result.figures[f] ?? 'n/a']));
  const why = result.failures.length === 0 ? '' : `  -- failed: ${result.failures.join('; ')}`;
  return `${verdict} ${name.padEnd(18)} ${formatFigures({ ...leading, ...result.figures })} time=${seconds.toFixed(1)}s${why}`;
}

/** Runs one test with its own log file, clean-ups and a time limit; never throws. */
export async function runTest(
  test: ReliabilityTest,
  world: World,
  logDir: string
): Promise<{ result: TestResult; seconds: number }> {
  const started = Date.now();
  const logFile = join(logDir, `${test.name}.log`);
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const cleanups: (() => unknown)[] = [];
  const ctx: TestContext = {
    world,
    scale: world.scale,
    log,
    defer: (fn) => cleanups.push(fn),
    async deploy(options) {
      const d = await Deployment.open(world, log, options);
      cleanups.push(() => d.close());
      return d;
    },
  };
  const limitMillis = test.timeoutSeconds * 1000 * Math.max(1, world.scale);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TestResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ figures: {}, failures: [`timed out after ${limitMillis / 1000} s`] }),
      limitMillis
    );
  });
  let result: TestResult;
  try {
    result = await Promise.race([test.run(ctx), timeout]);
  } catch (err) {
    log(`error: ${(err as Error).stack ?? String(err)}`);
    result = { figures: {}, failures: [`error: ${(err as Error).message.split('\n')[0]}`] };
  } finally {
    clearTimeout(timer);
  }
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`clean-up failed: ${(err as Error).message}`);
    }
  }
  log(`result: ${formatLine(test.name, result, (Date.now() - started) / 1000)}`);
  return { result, seconds: (Date.now() - started) / 1000 };
}

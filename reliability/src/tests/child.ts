import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Marks the one line of a child's output that is its JSON report. */
export const REPORT_PREFIX = 'REPORT ';

export interface ChildResult<T> {
  report: T | undefined;
  code: number | null;
  /** From the report line to the process's exit. */
  exitAfterReportMillis: number;
}

/**
 * Runs `node --expose-gc children/<file> ...args`, a separate process so that what the SDK does
 * (or fails to do) to a host cannot touch the suite; returns its report line parsed.
 */
export function runChild<T>(
  file: string,
  args: string[],
  log: (line: string) => void,
  timeoutMillis: number
): Promise<ChildResult<T>> {
  const path = fileURLToPath(new URL(`../children/${file}`, import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let report: T | undefined;
  let reportedAt = 0;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.startsWith(REPORT_PREFIX)) {
        reportedAt = Date.now();
        report = JSON.parse(line.slice(REPORT_PREFIX.length)) as T;
      }
      log(`[${file}] ${line.slice(0, 2000)}`);
    });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMillis);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const exitedAt = Date.now();
      // Let the last lines be read before answering.
      setTimeout(
        () => resolve({ report, code, exitAfterReportMillis: reportedAt ? Math.max(0, exitedAt - reportedAt) : NaN }),
        50
      );
    });
  });
}

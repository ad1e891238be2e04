import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A service running as a child process, with its output prefixed by its name. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null if a signal ended it) once it has exited and its output is read. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMillis`; resolves once it has exited. */
  stop(graceMillis?: number): Promise<void>;
  /** The last lines it printed (at most `RECENT_LINES`), oldest first: what explains an exit. */
  recentLines(): readonly string[];
}

/** How many of a process's last output lines `recentLines()` keeps. */
export const RECENT_LINES = 20;

/** How to start one service (again, with the same command and environment) and tell when it is ready. */
export interface ServiceSpec {
  readonly name: string;
  /** Starts a fresh process. */
  spawn(): ServiceProcess;
  /** Answers 2xx once the service is ready (its health URL). */
  readonly readyUrl: string;
  readonly readyTimeoutMillis: number;
  /** What to check when it keeps failing, e.g. "that port 8123 is free". */
  readonly hint: string;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Receives each line the process prints (default: this process's stdout, prefixed). */
  onLine?: (line: string) => void;
  cwd?: string;
}

/** The built entry point of a workspace package's file, e.g. `script('receiver', 'main.js')`. */
export function script(pkg: string, file: string): string {
  return fileURLToPath(new URL(`../../${pkg}/dist/${file}`, import.meta.url));
}

/** Starts `node <file>` with the given environment on top of this one. */
export function spawnService(name: string, file: string, options: SpawnOptions): ServiceProcess {
  const child = spawn(process.execPath, [file], {
    // The AWS SDK prints a 9-line notice about Node 20 in every process; the stack says it once instead.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  const print = options.onLine ?? ((line: string) => process.stdout.write(`[${name}] ${line}\n`));
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    print(line);
  };
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
  // 'close', not 'exit': by then its last lines (often the reason it exited) have been read too.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    async stop(graceMillis = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
      await exited;
      clearTimeout(timer);
    },
    recentLines: () => [...recent],
  };
}

/** Polls `url` until it answers 2xx, the process exits, or `timeoutMillis` passes. */
export async function waitForHttp(url: string, timeoutMillis: number, service?: ServiceProcess): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  let exited = false;
  void service?.exited.then(() => (exited = true));
  let last = '';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service?.name ?? url} exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service?.name ?? url} not ready at ${url} after ${timeoutMillis} ms (${last})`);
}

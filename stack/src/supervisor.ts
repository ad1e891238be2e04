import { type ServiceProcess, type ServiceSpec, waitForHttp } from './process.js';

/** When to restart a service that died, and when to give up on it. */
export interface SupervisorOptions {
  /** Prints one line about a service: its death, its return, giving up on it. */
  say: (line: string) => void;
  /** Wait before the first restart, doubled after each failure (default 1000). */
  initialBackoffMillis?: number;
  /** Longest wait before a restart (default 30_000). */
  maxBackoffMillis?: number;
  /** A process that stayed ready this long was healthy: its next restart waits `initialBackoffMillis` again (default 60_000). */
  stableMillis?: number;
  /** A service restarted this many times within `restartWindowMillis` that dies again is given up (default 5). */
  maxRestarts?: number;
  /** See `maxRestarts` (default 120_000). */
  restartWindowMillis?: number;
}

/**
 * Keeps the stack's child processes running: when one exits while the stack is not stopping, says
 * which and why, starts it again after a back-off that doubles, waits until it is ready, and gives
 * up on it (saying so) after too many restarts in a short window. The others keep running.
 */
export class Supervisor {
  readonly #say: (line: string) => void;
  readonly #initialBackoffMillis: number;
  readonly #maxBackoffMillis: number;
  readonly #stableMillis: number;
  readonly #maxRestarts: number;
  readonly #restartWindowMillis: number;
  readonly #current = new Map<string, ServiceProcess>();
  readonly #halted = new AbortController();

  constructor(o: SupervisorOptions) {
    this.#say = o.say;
    this.#initialBackoffMillis = o.initialBackoffMillis ?? 1000;
    this.#maxBackoffMillis = o.maxBackoffMillis ?? 30_000;
    this.#stableMillis = o.stableMillis ?? 60_000;
    this.#maxRestarts = o.maxRestarts ?? 5;
    this.#restartWindowMillis = o.restartWindowMillis ?? 120_000;
  }

  /** Watches `running`, the process `spec` started, and restarts it whenever it exits. */
  watch(spec: ServiceSpec, running: ServiceProcess): void {
    this.#current.set(spec.name, running);
    this.#supervise(spec, running).catch((err: unknown) =>
      this.#say(`${spec.name} is no longer supervised: ${(err as Error).message}`)
    );
  }

  /** From now on restarts nothing, and ends any back-off wait at once. */
  halt(): void {
    this.#halted.abort();
  }

  /** Halts, then stops the processes of `names` (default: all) together and waits until they have exited. */
  async stop(names: readonly string[] = [...this.#current.keys()]): Promise<void> {
    this.halt();
    await Promise.all(names.map(async (name) => this.#current.get(name)?.stop()));
  }

  async #supervise(spec: ServiceSpec, first: ServiceProcess): Promise<void> {
    const halted = this.#halted.signal;
    let running = first;
    let readyAt: number | undefined = Date.now(); // `first` is ready: the stack waited for it
    let backoffMillis = this.#initialBackoffMillis;
    let notReady: string | undefined;
    const restarts: number[] = []; // when each restart happened, within the window
    for (;;) {
      await running.exited;
      if (halted.aborted) return;
      const now = Date.now();
      if (readyAt !== undefined && now - readyAt >= this.#stableMillis) backoffMillis = this.#initialBackoffMillis;
      while (restarts.length > 0 && now - restarts[0]! > this.#restartWindowMillis) restarts.shift();
      const why = notReady ?? describeExit(running);
      notReady = undefined;
      if (restarts.length >= this.#maxRestarts) {
        this.#say(
          `${spec.name} ${why}; giving up on it after ${restarts.length} restarts within ` +
            `${duration(this.#restartWindowMillis)} (the rest keeps running). Check its output above and ${spec.hint}, ` +
            `then restart the stack: Ctrl-C, npm start.`
        );
        return;
      }
      this.#say(`${spec.name} ${why}; restarting it in ${duration(backoffMillis)}`);
      if (!(await sleep(backoffMillis, halted))) return;
      restarts.push(Date.now());
      backoffMillis = Math.min(backoffMillis * 2, this.#maxBackoffMillis);
      running = spec.spawn();
      this.#current.set(spec.name, running);
      readyAt = undefined;
      try {
        await waitForHttp(spec.readyUrl, spec.readyTimeoutMillis, running);
        readyAt = Date.now();
        if (!halted.aborted)
          this.#say(
            `${spec.name} restarted and ready (${ordinal(restarts.length)} restart within ${duration(this.#restartWindowMillis)})`
          );
      } catch {
        // Exited before it was ready: reported as any exit. Still starting: stopped, reported as not ready.
        if (halted.aborted || running.child.exitCode !== null || running.child.signalCode !== null) continue;
        notReady = `was not ready at ${spec.readyUrl} within ${duration(spec.readyTimeoutMillis)}`;
        await running.stop();
      }
    }
  }
}

/** "exited with code 1 (Error: listen EADDRINUSE ...)", "was killed by SIGKILL". */
function describeExit(p: ServiceProcess): string {
  const signal = p.child.signalCode;
  if (signal !== null) return `was killed by ${signal}`;
  const reason = explanation(p.recentLines());
  return `exited with code ${p.child.exitCode}${reason ? ` (${reason})` : ''}`;
}

const EXPLAINS = /\b(error|exception|fatal|failed|cannot|unable|refused|denied)\b|\bE[A-Z]{4,}\b/i;
const EXPLANATION_CHARS = 200;

/** Among its last few meaningful lines (stack frames and Node's version line aside), the last that names an error. */
function explanation(lines: readonly string[]): string | undefined {
  const meaningful = lines.filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^Node\.js v\d/.test(l));
  const line = meaningful.slice(-5).findLast((l) => EXPLAINS.test(l));
  return line && line.trim().slice(0, EXPLANATION_CHARS);
}

/** Resolves true after `millis`, or false at once when `signal` aborts. */
function sleep(millis: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      resolve(slept);
    };
    const abort = () => done(false);
    const timer = setTimeout(() => done(true), millis);
    signal.addEventListener('abort', abort);
  });
}

/** 250 -> "250 ms", 1000 -> "1 s", 120000 -> "2 min". */
function duration(millis: number): string {
  if (millis < 1000) return `${millis} ms`;
  if (millis >= 60_000 && millis % 60_000 === 0) return `${millis / 60_000} min`;
  return `${Math.round(millis / 100) / 10} s`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

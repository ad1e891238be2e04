import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort, redisAnswers } from '@xray/stack';

/** How a private redis-server is run. */
export interface RedisServerOptions {
  /** Its working folder (the append-only file lives here). */
  dir: string;
  /** Every write fsync'ed to an append-only file before it is answered, so a restart keeps the stream (production runs Redis with AOF). */
  appendOnly?: boolean;
  /** E.g. `32mb`: past it, writes are refused (`noeviction`), as a full production Redis does. */
  maxMemory?: string;
}

const START_TIMEOUT_MILLIS = 10_000;
const running = new Set<ChildProcess>();

/** SIGKILLs every redis-server the suite started that still runs (the suite was interrupted). */
export function killAllRedisServers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A redis-server process of the suite's own, on a free port: tests may kill it, restart it or fill
 * it without touching the shared Redis on 6379. Nothing is saved unless `appendOnly`.
 */
export class RedisServer {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  readonly #options: RedisServerOptions;

  private constructor(
    readonly port: number,
    options: RedisServerOptions
  ) {
    this.#options = options;
  }

  /** Starts a server on a free port and waits until it answers PING. */
  static async start(options: RedisServerOptions): Promise<RedisServer> {
    mkdirSync(options.dir, { recursive: true });
    const server = new RedisServer(await freePort(), options);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts (or starts again, same port and folder) and waits until it answers. */
  async launch(): Promise<void> {
    const o = this.#options;
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--dir',
      o.dir,
      '--appendonly',
      o.appendOnly ? 'yes' : 'no',
    ];
    if (o.appendOnly) args.push('--appendfsync', 'always');
    if (o.maxMemory) args.push('--maxmemory', o.maxMemory, '--maxmemory-policy', 'noeviction');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve(void running.delete(child))));
    let failed: Error | undefined;
    child.once('error', (err) => (failed = err));
    const deadline = Date.now() + START_TIMEOUT_MILLIS;
    while (Date.now() < deadline) {
      if (failed) throw new Error(`redis-server could not be started: ${failed.message}`);
      if (!this.running) throw new Error(`redis-server exited at start (port ${this.port})`);
      if (await redisAnswers(this.url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server does not answer on port ${this.port} after ${START_TIMEOUT_MILLIS} ms`);
  }

  /** `kill -9`: no shutdown, no final save. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child!.kill('SIGKILL');
    await this.#exited;
  }

  /** Stops it for good (SIGTERM, then SIGKILL after a second). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child!.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 1000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * The lifecycle of a service process: start, serve, stop on SIGTERM or SIGINT. Each service's
 * main.ts is `await runService('<name>', async (logger) => { read env, open clients, serve; return
 * { stop } })`, and only the function it passes reads the environment and opens clients.
 */
import { ConfigError } from './config-error.js';
import { createLogger, type Logger } from './logger.js';

/** A started service. `stop` finishes what is in flight and closes the clients, in the service's own order. */
export interface RunningService {
  stop(): Promise<void>;
}

/** What runService needs of `process` (tests pass a fake). */
export interface ServiceProcess {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
}

export interface RunServiceOptions {
  /** Default: logfmt lines on stderr with `service=<name>`. */
  logger?: Logger;
  /** Where the one line of a configuration error goes (default: stderr). */
  writeError?: (line: string) => void;
  process?: ServiceProcess;
}

/**
 * Starts a service with `main` and stops it on SIGTERM or SIGINT: `stop()`, then exit 0 (1 if
 * stopping failed). A second signal exits at once, as does a signal before `main` has finished
 * (nothing has been served yet). If `main` throws, the process exits 1 after one line on stderr and
 * no stack trace: `<name>: <variable>=<value> <problem>: expected <what>` for a {@link ConfigError},
 * a `cannot start: ...` log line for anything else (a dependency that does not answer, a port in
 * use). Resolves once started, or once it has failed.
 */
export async function runService(
  name: string,
  main: (logger: Logger) => Promise<RunningService>,
  options: RunServiceOptions = {}
): Promise<void> {
  const logger = options.logger ?? createLogger({ service: name });
  const writeError = options.writeError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const proc = options.process ?? process;
  let running: RunningService | undefined;
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping || !running) {
      logger.warn(`${signal}: ${stopping ? 'stopping at once' : 'stopped while starting'}`);
      proc.exit(stopping ? 1 : 0);
      return;
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    running.stop().then(
      () => {
        logger.info('stopped');
        proc.exit(0);
      },
      (err: unknown) => {
        logger.error(`could not stop cleanly: ${describe(err)}`);
        proc.exit(1);
      }
    );
  };
  proc.on('SIGTERM', () => onSignal('SIGTERM'));
  proc.on('SIGINT', () => onSignal('SIGINT'));
  try {
    running = await main(logger);
  } catch (err) {
    if (err instanceof ConfigError) writeError(`${name}: ${err.line}`);
    else logger.error(`cannot start: ${describe(err)}`);
    proc.exit(1);
  }
}

/** An error's message and its causes' (one line; stack traces are for bugs, not for outages). */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

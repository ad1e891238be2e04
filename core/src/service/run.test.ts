import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { createLogger } from './logger.js';
import { runService, type RunningService } from './run.js';
import { portSetting, readSetting } from './settings.js';

/** A stand-in for `process`: records exits, and delivers signals on demand. */
function fakeProcess() {
  const listeners = new Map<string, () => void>();
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  return {
    exits,
    exit,
    signal: (name: 'SIGTERM' | 'SIGINT') => listeners.get(name)!(),
    process: {
      on: (signal: string, listener: () => void) => listeners.set(signal, listener),
      exit: (code: number) => {
        exits.push(code);
        exited(code);
      },
    },
  };
}

function run(main: Parameters<typeof runService>[1]) {
  const fake = fakeProcess();
  const lines: string[] = [];
  const errors: string[] = [];
  const logger = createLogger({ service: 'query', write: (l) => lines.push(l) });
  const started = runService('query', main, { logger, writeError: (l) => errors.push(l), process: fake.process });
  return { ...fake, lines, errors, started };
}

describe('runService', () => {
  it('turns a configuration error into one line on stderr and exit code 1', async () => {
    const r = run(async () => {
      readSetting({ QUERY_PORT: 'abc' }, portSetting('QUERY_PORT', 8080));
      return { stop: async () => undefined };
    });
    await r.started;
    expect(r.exits).toEqual([1]);
    expect(r.errors).toEqual(['query: QUERY_PORT=abc is not a port: expected a whole number from 0 to 65535']);
    expect(r.lines).toEqual([]);
  });

  it('turns any other start failure into one log line without a stack trace, and exit code 1', async () => {
    const r = run(async () => {
      throw new Error('cannot reach ClickHouse', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8123') });
    });
    await r.started;
    expect(r.exits).toEqual([1]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /level=error service=query msg="cannot start: cannot reach ClickHouse: connect ECONNREFUSED 127\.0\.0\.1:8123"$/
    );
  });

  it('on SIGTERM, stops the service and exits 0 once it has stopped', async () => {
    const events: string[] = [];
    const r = run(async () => ({
      stop: async () => {
        events.push('stopping');
        await new Promise((resolve) => setTimeout(resolve, 10));
        events.push('stopped');
      },
    }));
    await r.started;
    expect(r.exits).toEqual([]);
    r.signal('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(events).toEqual(['stopping', 'stopped']);
    expect(r.lines.map((l) => /msg=("[^"]*"|\S+)/.exec(l)![1])).toEqual(['"SIGTERM: stopping"', 'stopped']);
  });

  it('exits 1 when stopping fails, and at once on a second signal', async () => {
    const failing = run(async () => ({ stop: () => Promise.reject(new Error('flush failed')) }));
    await failing.started;
    failing.signal('SIGINT');
    expect(await failing.exit).toBe(1);
    expect(failing.lines.at(-1)).toContain('msg="could not stop cleanly: flush failed"');

    const stuck: RunningService = { stop: () => new Promise(() => undefined) };
    const twice = run(async () => stuck);
    await twice.started;
    twice.signal('SIGTERM');
    twice.signal('SIGINT');
    expect(twice.exits).toEqual([1]);
  });

  it('exits at once on a signal before it has started', async () => {
    let release: () => void = () => undefined;
    const r = run(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { stop: async () => undefined };
    });
    r.signal('SIGTERM');
    expect(r.exits).toEqual([0]);
    release();
    await r.started;
    expect(r.exits).toEqual([0]);
  });

  it('prints a ConfigError thrown by a service own check the same way', async () => {
    const r = run(async () => {
      throw new ConfigError({ variable: 'CLICKHOUSE_URL', problem: 'is not a URL', expected: 'http://host:8123' });
    });
    await r.started;
    expect(r.errors).toEqual(['query: CLICKHOUSE_URL is not a URL: expected http://host:8123']);
  });
});

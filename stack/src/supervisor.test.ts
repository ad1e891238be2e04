import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from './ports.js';
import { type ServiceProcess, type ServiceSpec, spawnService } from './process.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';

// Real child processes: a small HTTP service that answers once it listens (unless LISTEN=0), and
// exits when told to (CRASH_AFTER_MS), by throwing THROW if set (Node prints the error and exits
// with 1) or with EXIT_CODE.
const SERVICE = `
import { createServer } from 'node:http';
const { PORT, LISTEN = '1', CRASH_AFTER_MS, THROW, EXIT_CODE = '1' } = process.env;
if (LISTEN === '1') createServer((_req, res) => res.end('ok')).listen(Number(PORT), '127.0.0.1');
else setInterval(() => {}, 60_000); // up, but never ready
process.on('SIGTERM', () => process.exit(0));
if (CRASH_AFTER_MS !== undefined)
  setTimeout(() => {
    if (THROW) throw new Error(THROW);
    process.exit(Number(EXIT_CODE));
  }, Number(CRASH_AFTER_MS));
`;

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xray-supervisor-'));
  file = join(dir, 'service.mjs');
  writeFileSync(file, SERVICE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Start {
  service: ServiceProcess;
  startedAt: number;
  exitedAt?: number;
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

/**
 * Supervises the test service; `envFor(n)` is the environment of its n-th start (0: the first).
 * Returns what the supervisor said and every start, with when it started and exited.
 */
async function supervise(
  { readyTimeoutMillis = 5000, ...options }: Omit<SupervisorOptions, 'say'> & { readyTimeoutMillis?: number },
  envFor: (n: number) => Record<string, string>
) {
  const port = await freePort();
  const said: string[] = [];
  const starts: Start[] = [];
  const spec: ServiceSpec = {
    name: 'crashy',
    spawn() {
      const env = { PORT: String(port), ...envFor(starts.length) };
      const service = spawnService('crashy', file, { env, onLine: () => {} });
      const start: Start = { service, startedAt: Date.now() };
      void service.exited.then(() => (start.exitedAt = Date.now()));
      starts.push(start);
      return service;
    },
    readyUrl: `http://127.0.0.1:${port}/`,
    readyTimeoutMillis,
    hint: 'that the test service runs',
  };
  supervisor = new Supervisor({ say: (line) => said.push(line), ...options });
  supervisor.watch(spec, spec.spawn());
  return { said, starts, url: spec.readyUrl };
}

/** Waits until the supervisor has said a line matching `pattern`. */
async function heard(said: string[], pattern: RegExp, timeout = 15_000): Promise<void> {
  await vi.waitFor(() => expect(said.some((line) => pattern.test(line))).toBe(true), { timeout, interval: 20 });
}

const waits = (said: string[]) => said.flatMap((line) => line.match(/restarting it in (.+)$/)?.slice(1) ?? []);

describe('Supervisor', () => {
  it('reports a service that exits with its code and the error it printed, then restarts it once ready', async () => {
    const { said, starts, url } = await supervise({ initialBackoffMillis: 300 }, (n): Record<string, string> =>
      n === 0 ? { CRASH_AFTER_MS: '200', THROW: 'cannot open the data folder /nowhere' } : {}
    );
    await heard(said, /restarted and ready/);
    expect(said).toEqual([
      'crashy exited with code 1 (Error: cannot open the data folder /nowhere); restarting it in 300 ms',
      'crashy restarted and ready (1st restart within 2 min)',
    ]);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.startedAt - starts[0]!.exitedAt!).toBeGreaterThanOrEqual(300);
    expect(await (await fetch(url)).text()).toBe('ok');
  });

  it('reports a service killed by a signal, and restarts it', async () => {
    const { said, starts, url } = await supervise({ initialBackoffMillis: 100 }, () => ({}));
    await vi.waitFor(() => fetch(url), { timeout: 10_000, interval: 50 });
    starts[0]!.service.child.kill('SIGKILL');
    await heard(said, /restarted and ready/);
    expect(said[0]).toBe('crashy was killed by SIGKILL; restarting it in 100 ms');
    expect(starts).toHaveLength(2);
  });

  it('waits twice as long before each restart, up to the longest wait, and gives up after the limit', async () => {
    const { said, starts } = await supervise(
      { initialBackoffMillis: 100, maxBackoffMillis: 300, maxRestarts: 4, restartWindowMillis: 60_000 },
      () => ({ CRASH_AFTER_MS: '0', EXIT_CODE: '3' })
    );
    await heard(said, /giving up/);
    expect(waits(said)).toEqual(['100 ms', '200 ms', '300 ms', '300 ms']);
    for (const [i, wait] of [100, 200, 300, 300].entries())
      expect(starts[i + 1]!.startedAt - starts[i]!.exitedAt!).toBeGreaterThanOrEqual(wait);
    expect(said.at(-1)).toBe(
      'crashy exited with code 3; giving up on it after 4 restarts within 1 min (the rest keeps running). ' +
        'Check its output above and that the test service runs, then restart the stack: Ctrl-C, npm start.'
    );
    await sleep(700);
    expect(starts).toHaveLength(5);
  });

  it('starts again from the shortest wait once a service has stayed up long enough', async () => {
    const crashAfterMillis = ['50', '50', '2000'];
    const { said } = await supervise({ initialBackoffMillis: 100, stableMillis: 1500 }, (n): Record<string, string> => {
      const after = crashAfterMillis[n];
      return after ? { CRASH_AFTER_MS: after } : {};
    });
    await heard(said, /3rd restart/);
    expect(waits(said)).toEqual(['100 ms', '200 ms', '100 ms']);
  });

  it('forgets restarts older than the window', async () => {
    const crashAfterMillis = ['50', '1500'];
    const { said, starts } = await supervise(
      { initialBackoffMillis: 100, maxRestarts: 1, restartWindowMillis: 1000 },
      (n): Record<string, string> => {
        const after = crashAfterMillis[n];
        return after ? { CRASH_AFTER_MS: after } : {};
      }
    );
    await vi.waitFor(() => expect(said).toHaveLength(4), { timeout: 15_000, interval: 20 });
    expect(said).toEqual([
      'crashy exited with code 1; restarting it in 100 ms',
      'crashy restarted and ready (1st restart within 1 s)',
      'crashy exited with code 1; restarting it in 200 ms',
      'crashy restarted and ready (1st restart within 1 s)',
    ]);
    expect(starts).toHaveLength(3);
  });

  it('stops a restarted service that does not become ready in time, says so, and keeps its back-off growing', async () => {
    // Up longer than stableMillis, but never ready: not healthy, so the wait still doubles.
    const { said, starts, url } = await supervise(
      { initialBackoffMillis: 100, readyTimeoutMillis: 1000, stableMillis: 800 },
      (n): Record<string, string> =>
        n === 0 ? { CRASH_AFTER_MS: '0', EXIT_CODE: '2' } : n === 1 ? { LISTEN: '0' } : {}
    );
    await heard(said, /restarted and ready/);
    expect(said).toEqual([
      'crashy exited with code 2; restarting it in 100 ms',
      `crashy was not ready at ${url} within 1 s; restarting it in 200 ms`,
      'crashy restarted and ready (2nd restart within 2 min)',
    ]);
    expect(starts[1]!.service.child.exitCode ?? starts[1]!.service.child.signalCode).not.toBeNull();
  });

  it('restarts nothing once stopped during a back-off wait', async () => {
    const { said, starts } = await supervise({ initialBackoffMillis: 400 }, () => ({ CRASH_AFTER_MS: '50' }));
    await heard(said, /restarting it in 400 ms/);
    await supervisor!.stop();
    await sleep(1000);
    expect(starts).toHaveLength(1);
    expect(said).toHaveLength(1);
  });
});

import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { KEPT, XRCapture, XRStepType, XRay, type Decision } from './index.js';

// Real OTLP exporter, real sockets on loopback: the receiver down, hung, or answering with errors.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function listen(server: {
  listen: (port: number, host: string, cb: () => void) => unknown;
  address: () => unknown;
  close: (cb: () => void) => unknown;
}): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers. */
async function silentPort(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
  });
  return listen(server);
}

const batch: Decision[] = Array.from({ length: 1000 }, (_, i) => ({
  itemId: i,
  outcome: KEPT,
  reason: 'x'.repeat(200),
  input: { i },
}));
const caps = { maxPayloadBytes: 1024, maxExportBytes: 64 * 1024, maxQueueBytes: 512 * 1024, maxQueueSpans: 64 };

/** Records for `millis` at ~100k decisions/s while measuring event-loop delay; returns p99 (ms) and the peak queue. */
async function hammer(xray: XRay, millis: number): Promise<{ p99: number; peak: { spans: number; bytes: number } }> {
  const peak = { spans: 0, bytes: 0 };
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const producer = setInterval(() => {
    void xray.run('load', undefined, (runId) => xray.step(runId, XRStepType.FILTER, 'filter', () => batch, undefined));
    const { queuedSpans, queuedBytes } = xray.stats();
    peak.spans = Math.max(peak.spans, queuedSpans);
    peak.bytes = Math.max(peak.bytes, queuedBytes);
  }, 10);
  await new Promise((r) => setTimeout(r, millis));
  clearInterval(producer);
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, peak };
}

describe('receiver trouble never harms the host', () => {
  for (const [label, port] of [
    ['down (closed port)', closedPort],
    ['accepting but never answering', silentPort],
  ] as const) {
    it(`receiver ${label}: loop delay low, queue within caps, drops counted, shutdown in time`, async () => {
      const flushTimeoutMillis = 500;
      const xray = new XRay({
        endpoint: `http://127.0.0.1:${await port()}/v1/traces`,
        capture: XRCapture.FULL,
        flushTimeoutMillis,
        exportTimeoutMillis: 300,
        ...caps,
      });
      const { p99, peak } = await hammer(xray, 1500);
      // Catches blocking (a synchronous wait or retry would stall for seconds), not fine timing: the
      // figure itself is measured by `npm run bench:sdk`, against a host without X-Ray.
      expect(p99).toBeLessThan(250);
      expect(peak.spans).toBeLessThanOrEqual(caps.maxQueueSpans);
      expect(peak.bytes).toBeLessThanOrEqual(caps.maxQueueBytes);
      const stats = xray.stats();
      expect(stats.decisionsMade).toBeGreaterThan(50_000);
      expect(stats.spansDropped).toBeGreaterThan(0);
      expect(stats.decisionsDropped.queueFull + stats.decisionsDropped.exportFailed).toBeGreaterThan(0);
      expect(stats.spansExported).toBe(0);
      const started = Date.now();
      expect(await xray.shutdown()).toBe(false);
      expect(Date.now() - started).toBeLessThan(flushTimeoutMillis + 1000); // the timeout, plus slack for a busy machine
    });
  }
});

/** An OTLP receiver that answers each request with the next of `answers` (then 200). */
async function scriptedReceiver(
  answers: ((res: ServerResponse) => void)[]
): Promise<{ port: number; requests: number[] }> {
  const requests: number[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(Date.now());
      const answer =
        answers.shift() ??
        ((r: ServerResponse) => r.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
      answer(res);
    });
  });
  return { port: await listen(server), requests };
}

describe('export retries (OTLP exporter, relied upon)', () => {
  async function send(port: number): Promise<{ xray: XRay; ok: boolean }> {
    const xray = new XRay({
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      flushTimeoutMillis: 5000,
      exportTimeoutMillis: 4000,
    });
    const runId = await xray.startRun('retry');
    await xray.step(runId, XRStepType.FILTER, 'f', () => batch.slice(0, 10), undefined);
    await xray.endRun(runId);
    const ok = await xray.flush();
    return { xray, ok };
  }

  it('retries a 503 after its Retry-After, then delivers', async () => {
    const { port, requests } = await scriptedReceiver([(res) => res.writeHead(503, { 'retry-after': '1' }).end()]);
    const { xray, ok } = await send(port);
    expect(ok).toBe(true);
    expect(requests).toHaveLength(2);
    expect(requests[1]! - requests[0]!).toBeGreaterThanOrEqual(900);
    expect(xray.stats()).toMatchObject({ exportFailures: 0, spansExported: 2, spansDropped: 0 });
    expect(xray.stats().bytesSent).toBeGreaterThan(0);
    await xray.shutdown();
  });

  for (const status of [400, 401, 413]) {
    it(`never retries a ${status}`, async () => {
      const { port, requests } = await scriptedReceiver([(res) => res.writeHead(status).end()]);
      const { xray, ok } = await send(port);
      expect(ok).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(requests).toHaveLength(1);
      expect(xray.stats()).toMatchObject({ exportFailures: 1, spansDropped: 2, spansExported: 0 });
      await xray.shutdown();
    });
  }
});

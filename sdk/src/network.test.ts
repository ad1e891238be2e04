import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { payloadDay } from '@xray/otel';
import { KEPT, XRCapture, XRStepType, XRay } from './index.js';

// These tests use real local servers on port 0 (loopback only): the OTLP exporter's real HTTP path.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function recordOneRun(xray: XRay, decisions: number, payload = ''): Promise<void> {
  const input = Array.from({ length: decisions }, (_, i) => ({ id: i, payload }));
  const runId = await xray.startRun('network-test', input);
  await xray.step(
    runId,
    XRStepType.FILTER,
    'keep-all',
    (items) => items.map((item) => ({ itemId: item.id, outcome: KEPT, input: item })),
    input
  );
  await xray.endRun(runId, input);
}

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{ port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, sockets };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('talking to a receiver', () => {
  it('flush() and shutdown() give up within their timeout when the receiver never answers', async () => {
    const { port, sockets } = await silentServer();
    const flushTimeoutMillis = 300;
    const xray = new XRay({ endpoint: `http://127.0.0.1:${port}/v1/traces`, flushTimeoutMillis });
    await recordOneRun(xray, 50);

    let started = Date.now();
    expect(await xray.flush()).toBe(false);
    expect(Date.now() - started).toBeLessThan(flushTimeoutMillis + 500);
    expect(sockets.size).toBeGreaterThan(0); // the export really was attempted

    started = Date.now();
    expect(await xray.shutdown()).toBe(false);
    expect(Date.now() - started).toBeLessThan(flushTimeoutMillis + 500);
    expect(xray.stats().flushTimeouts).toBe(2);
  });

  it('sends OTLP/HTTP protobuf with the given headers, every request within the byte budget, and the large payload once', async () => {
    const requests: { headers: IncomingHttpHeaders; url: string | undefined; bytes: Buffer }[] = [];
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({ headers: req.headers, url: req.url, bytes: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;

    const maxExportBytes = 256 * 1024;
    const xray = new XRay({
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      headers: { authorization: 'Bearer test-token' },
      serviceName: 'checkout-ranker',
      maxExportBytes,
      capture: XRCapture.FULL,
    });
    await recordOneRun(xray, 2000, 'p'.repeat(1000)); // ~2 MB of decision payloads
    expect(await xray.shutdown()).toBe(true);

    // The 2 MB input is the run input, the step input, the run output and (as the step keeps every
    // item) the step output: one document, uploaded once beside the spans, with the same headers.
    const uploads = requests.filter((r) => r.url?.startsWith('/v1/payloads/'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.headers['authorization']).toBe('Bearer test-token');
    expect(uploads[0]!.headers['content-type']).toBe('application/json');
    expect(uploads[0]!.url).toBe(`/v1/payloads/${payloadDay(Date.now())}/${sha256(uploads[0]!.bytes)}`);
    expect(xray.stats()).toMatchObject({ uploadedPayloads: 1, droppedPayloads: 0 });
    const spans = requests.filter((r) => !uploads.includes(r));
    expect(spans.length).toBeGreaterThan(4);
    const all = Buffer.concat(spans.map((r) => r.bytes));
    for (const request of spans) {
      expect(request.url).toBe('/v1/traces');
      expect(request.headers['content-type']).toBe('application/x-protobuf');
      expect(request.headers['authorization']).toBe('Bearer test-token');
      // The estimate is close for ASCII; allow protobuf framing it does not count exactly.
      expect(request.bytes.length).toBeLessThan(maxExportBytes * 1.25);
    }
    expect(all.includes('checkout-ranker')).toBe(true);
    expect(xray.stats()).toMatchObject({ exportFailures: 0, decisionsRecorded: 2000 });
    expect(xray.stats().spansExported).toBe(xray.stats().spansStarted);
  });

  it("never sends the application's own OTLP exporter settings (its vendor's headers) to X-Ray", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createHttpServer((req, res) => {
      req.resume().on('end', () => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const application = {
      OTEL_EXPORTER_OTLP_HEADERS: 'x-vendor-key=secret,authorization=Basic%20vendor',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-vendor-team=team',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    };
    Object.assign(process.env, application);
    cleanups.push(async () => {
      for (const name of Object.keys(application)) delete process.env[name];
    });
    const { port } = server.address() as AddressInfo;
    const xray = new XRay({ endpoint: `http://127.0.0.1:${port}/v1/traces`, apiKey: 'xri_test' });
    await recordOneRun(xray, 10);
    expect(await xray.shutdown()).toBe(true);

    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      expect(headers['authorization']).toBe('Bearer xri_test');
      expect(headers['x-vendor-key']).toBeUndefined();
      expect(headers['x-vendor-team']).toBeUndefined();
      expect(headers['content-encoding']).toBeUndefined();
    }
    // And the application's settings are still there for its own exporters.
    expect(process.env['OTEL_EXPORTER_OTLP_HEADERS']).toBe(application.OTEL_EXPORTER_OTLP_HEADERS);
  });
});

import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { isPayloadDay, isSha256 } from '@xray/otel';

// What the payload tests share: a local stand-in for the receiver's `PUT /v1/payloads/{day}/{sha256}`
// (real HTTP on loopback, port 0), dead and hung ports, and the garbage collector.

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** One request the stand-in received. */
export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  at: number;
}

/** How the stand-in answers the n-th request (0-based) once it has read the body; default 201/200. */
export type Answer = (n: number) => { status: number; headers?: Record<string, string>; delayMillis?: number };

export interface StandIn {
  /** Base URL, for the `payloadEndpoint` option. */
  url: string;
  requests: Received[];
  /** Stored payloads by `<day>/<sha256>` (only when `keep` is true). */
  stored: Map<string, Buffer>;
  close(): Promise<void>;
}

const PATH = /^\/v1\/payloads\/([^/]+)\/([^/]+)$/;

/**
 * A receiver stand-in: checks the path, the digest and the size as the real one does (422 when the
 * body does not match its digest), answers 201 for a new payload and 200 for one it has, unless
 * `answer` says otherwise. With `keep` false it hashes and forgets bodies (memory tests).
 */
export async function payloadReceiver(options: { answer?: Answer; keep?: boolean } = {}): Promise<StandIn> {
  const requests: Received[] = [];
  const stored = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (options.keep !== false) chunks.push(chunk);
    });
    req.on('end', () => {
      const n = requests.push({ url: req.url ?? '', headers: req.headers, bytes, at: Date.now() }) - 1;
      const scripted = options.answer?.(n);
      const reply = (status: number, headers: Record<string, string> = {}): void => {
        setTimeout(() => res.writeHead(status, headers).end(), scripted?.delayMillis ?? 0);
      };
      if (scripted && (scripted.status < 200 || scripted.status > 299)) return reply(scripted.status, scripted.headers);
      const m = PATH.exec(req.url ?? '');
      if (req.method !== 'PUT' || !m || !isPayloadDay(m[1]!) || !isSha256(m[2]!)) return reply(400);
      if (hash.digest('hex') !== m[2]) return reply(422);
      const key = `${m[1]}/${m[2]}`;
      const known = stored.has(key);
      if (options.keep !== false) stored.set(key, Buffer.concat(chunks));
      reply(scripted?.status ?? (known ? 200 : 201));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stored,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers. */
export async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON-serialisable string whose JSON is exactly `bytes` bytes long (`bytes` >= 2). */
export function valueOfJsonSize(bytes: number, fill = 'x'): string {
  return fill.repeat(bytes - 2);
}

/** The garbage collector, exposed at run time when node was not started with --expose-gc. */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Memory the process holds: JS heap plus Buffers (payload bodies live outside the heap). */
export function retainedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to traffic, switchable at run time:
 * - `pass`: forwards both ways;
 * - `latency`: forwards each chunk `latencyMillis` late (order kept);
 * - `reset`: refuses new connections and resets open ones (TCP RST), like a crashed or firewalled peer;
 * - `blackhole`: accepts connections and forwards nothing, ever (a hung peer, a silent partition).
 */
export type ProxyMode = 'pass' | 'latency' | 'reset' | 'blackhole';

export type TapDirection = 'up' | 'down';

export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  mode?: ProxyMode;
  latencyMillis?: number;
  /** Sees every chunk forwarded: `up` from the client to the target, `down` back. */
  tap?: (direction: TapDirection, chunk: Buffer) => void;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** A connection that lost bytes to a blackhole can never carry on: it is reset when the hole closes. */
  blackholed: boolean;
  /** When the last delayed chunk in each direction is due, so delayed chunks keep their order. */
  due: Record<TapDirection, number>;
}

/** A small TCP fault proxy for putting between two components in a test (Node `net`). */
export class FaultProxy {
  readonly stats = { connections: 0, refused: 0, reset: 0, bytesUp: 0, bytesDown: 0 };
  #mode: ProxyMode;
  #latencyMillis: number;
  readonly #pairs = new Set<Pair>();

  readonly #server: Server;
  readonly #o: FaultProxyOptions;

  private constructor(server: Server, o: FaultProxyOptions) {
    this.#server = server;
    this.#o = o;
    this.#mode = o.mode ?? 'pass';
    this.#latencyMillis = o.latencyMillis ?? 200;
  }

  /** Listens on a free port of 127.0.0.1 in front of `targetHost:targetPort`. */
  static async start(o: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, o);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** `http://127.0.0.1:<port>`: where to point the client instead of the target. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  /** Switches mode; open connections follow at once (reset, silenced, or reset if they were silenced). */
  setMode(mode: ProxyMode, latencyMillis?: number): void {
    this.#mode = mode;
    if (latencyMillis !== undefined) this.#latencyMillis = latencyMillis;
    for (const pair of [...this.#pairs]) {
      if (mode === 'reset' || (pair.blackholed && mode !== 'blackhole')) this.#reset(pair);
      else if (mode === 'blackhole') pair.blackholed = true;
    }
  }

  /** Stops listening and resets every open connection. */
  async close(): Promise<void> {
    for (const pair of [...this.#pairs]) this.#reset(pair);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.stats.connections++;
    client.on('error', () => undefined);
    if (this.#mode === 'reset') {
      this.stats.refused++;
      destroyHard(client);
      return;
    }
    const pair: Pair = { client, upstream: undefined, blackholed: this.#mode === 'blackhole', due: { up: 0, down: 0 } };
    this.#pairs.add(pair);
    client.on('close', () => this.#reset(pair));
    if (pair.blackholed) {
      client.on('data', () => undefined); // read and drop: the peer sees an open, silent connection
      return;
    }
    const upstream = connect(this.#o.targetPort, this.#o.targetHost ?? '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.#reset(pair));
    this.#forward(pair, client, upstream, 'up');
    this.#forward(pair, upstream, client, 'down');
  }

  #forward(pair: Pair, from: Socket, to: Socket, direction: TapDirection): void {
    from.on('data', (chunk: Buffer) => {
      if (pair.blackholed) return;
      this.#o.tap?.(direction, chunk);
      if (direction === 'up') this.stats.bytesUp += chunk.length;
      else this.stats.bytesDown += chunk.length;
      if (this.#mode !== 'latency') {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      const due = Math.max(Date.now() + this.#latencyMillis, pair.due[direction]);
      pair.due[direction] = due;
      setTimeout(() => {
        if (!pair.blackholed && !to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
    from.on('end', () => {
      const wait = Math.max(0, pair.due[direction] - Date.now());
      setTimeout(() => to.end(), wait);
    });
  }

  #reset(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    this.stats.reset++;
    destroyHard(pair.client);
    if (pair.upstream) destroyHard(pair.upstream);
  }
}

/** Closes with a TCP RST where possible (what a crashed peer looks like), else plainly. */
function destroyHard(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

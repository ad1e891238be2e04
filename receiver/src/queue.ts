/**
 * The span queue: where accepted requests go. The app sees only {@link SpanQueue}; the Redis
 * Stream implementation is wired in by main.ts.
 */
import type { Socket } from 'node:net';
import { encodeQueueEntry, type QueueMessage } from '@xray/core/ingest';
import { Command, Redis } from 'ioredis';
import { silentLogger, type Logger } from './logger.js';

/** Accepts one message per OTLP request. Resolves once the message is durable in the queue. */
export interface SpanQueue {
  enqueue(message: QueueMessage): Promise<void>;
  /** True when the queue can take messages now (for /readyz). */
  ready(): Promise<boolean>;
}

/** Options of {@link createRedisSpanQueue}. */
export interface RedisSpanQueueOptions {
  /** `redis://host:port[/db]` or `rediss://...`. */
  url: string;
  /** Stream key the messages are appended to, e.g. `xray:spans`. */
  stream: string;
  /** How long one XADD may take before the request is answered 503. Default 2000. */
  commandTimeoutMillis?: number;
  logger?: Logger;
}

/** Appends each message to a Redis Stream with XADD, in the fields of `@xray/core`'s `QueueFields` (the body binary). */
export class RedisSpanQueue implements SpanQueue {
  readonly #redis: Redis;

  constructor(
    redis: Redis,
    /** The stream key. */
    readonly stream: string
  ) {
    this.#redis = redis;
  }

  async enqueue(message: QueueMessage): Promise<void> {
    await this.#redis.sendCommand(new XaddCommand([this.stream, '*', ...encodeQueueEntry(message)]));
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.#redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Resolves true once connected, false if not connected within `timeoutMillis`. */
  async waitUntilReady(timeoutMillis: number): Promise<boolean> {
    if (this.#redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.#redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMillis);
      this.#redis.once('ready', onReady);
    });
  }

  /** Closes the connection: gracefully when connected (pending replies arrive), at once otherwise. */
  async close(): Promise<void> {
    if (this.#redis.status === 'ready') {
      try {
        await this.#redis.quit();
        return;
      } catch {
        // fall through: the connection broke while quitting
      }
    }
    this.#redis.disconnect();
  }
}

/**
 * XADD whose binary arguments (the request body, up to the body limit) go to the socket as they
 * are, between the RESP text around them, all corked into one write. ioredis would first copy every
 * argument into one new buffer: for bodies of hundreds of KB that copy (a fresh allocation each
 * time) measured as much CPU as the write itself. Replies, timeouts and errors are ioredis's own.
 */
class XaddCommand extends Command {
  constructor(args: (string | Buffer)[]) {
    super('xadd', args, { replyEncoding: 'utf8' });
  }

  /** Called by ioredis right before it writes what this returns to `socket`. */
  override toWritable(socket: Socket): string {
    const args = this.args as (string | Buffer)[];
    let text = `*${args.length + 1}\r\n$4\r\nxadd\r\n`;
    socket.cork();
    for (const arg of args) {
      if (typeof arg === 'string') {
        text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
        continue;
      }
      socket.write(`${text}$${arg.length}\r\n`);
      socket.write(arg);
      text = '\r\n';
    }
    process.nextTick(() => socket.uncork());
    return text;
  }
}

/**
 * Connects to Redis for enqueuing. Commands fail at once while Redis is unreachable (no offline
 * queue, one attempt, a command timeout): the receiver must answer 503 quickly, never hang or
 * buffer. The client keeps reconnecting in the background.
 */
export function createRedisSpanQueue(options: RedisSpanQueueOptions): RedisSpanQueue {
  const logger = options.logger ?? silentLogger;
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMillis ?? 2000,
    connectTimeout: 2000,
    // Reconnect steadily, at most every second, so an outage ends as soon as Redis is back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Report each outage once, not every reconnect attempt; an unhandled 'error' would only be printed.
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`redis unavailable at ${redactUrl(options.url)}: ${err.message}; answering 503 until it is back`);
  });
  redis.on('ready', () => {
    if (down) logger.info(`redis available again at ${redactUrl(options.url)}`);
    down = false;
  });
  return new RedisSpanQueue(redis, options.stream);
}

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

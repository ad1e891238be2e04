import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';

/** True when a Redis server answers PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Makes sure Redis answers at `url`: when nothing does and `redis-server` is installed, starts one
 * (daemonised, nothing persisted) on the URL's port. Throws a message that says how to install it.
 */
export async function ensureRedis(url: string): Promise<'running' | 'started'> {
  if (await redisAnswers(url)) return 'running';
  const { hostname, port } = new URL(url);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname)) {
    throw new Error(`Redis does not answer at ${url}. Start it, or unset REDIS_URL to use a local one.`);
  }
  const started = spawnSync(
    'redis-server',
    ['--daemonize', 'yes', '--port', port || '6379', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' }
  );
  if (started.error || started.status !== 0) {
    throw new Error(
      `Redis does not answer at ${url} and redis-server could not be started. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`
    );
  }
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) return 'started';
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server was started but does not answer at ${url}`);
}

/** Shuts down a Redis server that {@link ensureRedis} started (nothing is persisted). */
export async function stopRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.call('SHUTDOWN', 'NOSAVE');
  } catch {
    // SHUTDOWN closes the connection instead of answering; an error here is the expected ending.
  } finally {
    redis.disconnect();
  }
}

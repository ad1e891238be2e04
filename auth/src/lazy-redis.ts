/** A Redis connection made on first use that fails fast while Redis is down (no offline queue). */
import { Redis } from 'ioredis';

export interface LazyRedis {
  /** The connection, connecting (once, whoever asks first) when needed. */
  ready(): Promise<Redis>;
  close(): void;
}

/** `url` as in REDIS_URL. Connection errors surface in the failing command, not as events. */
export function lazyRedis(url: string): LazyRedis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  redis.on('error', () => undefined);
  let connecting: Promise<void> | undefined;
  return {
    async ready() {
      if (redis.status === 'wait' || redis.status === 'end')
        connecting ??= redis.connect().finally(() => (connecting = undefined));
      if (connecting) await connecting;
      return redis;
    },
    close: () => redis.disconnect(),
  };
}

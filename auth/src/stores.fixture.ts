// The two stores against the real thing, for tests: a file in a temporary folder, and the Redis on 127.0.0.1:6379.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fileKeyStore } from './file-store.js';
import { redisKeyStore } from './redis-store.js';
import type { KeyStore } from './store.js';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A test file's stores: each `open` gives an empty store of its kind; `cleanUp` removes them all (afterAll). */
export async function testStores(name: string): Promise<{
  dir: string;
  stores: [kind: string, open: () => KeyStore][];
  cleanUp: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), `xray-${name}-`));
  const prefix = `test:${name}:${randomBytes(4).toString('hex')}`;
  const suffix = () => randomBytes(3).toString('hex');
  return {
    dir,
    stores: [
      ['file', () => fileKeyStore(join(dir, `keys-${suffix()}.json`))],
      ['redis', () => redisKeyStore(TEST_REDIS_URL, `${prefix}:${suffix()}`)],
    ],
    async cleanUp() {
      await rm(dir, { recursive: true, force: true });
      const redis = new Redis(TEST_REDIS_URL);
      const stale = await redis.keys(`${prefix}:*`);
      if (stale.length) await redis.del(...stale);
      redis.disconnect();
    },
  };
}

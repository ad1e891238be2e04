import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, script, startStorage, type Storage } from '@xray/stack';
import { RedisServer } from './redis-server.js';

/** What every test shares: one embedded ClickHouse, one s3rver and one private Redis for the run. */
export interface World {
  /** The run's folder: `data/` (storage, Redis) and `logs/` (one file per test). */
  readonly dir: string;
  readonly storage: Storage;
  /** The suite's own redis-server (never the shared one on 6379). */
  readonly redis: RedisServer;
  readonly bucket: string;
  /** XRAY_RELIABILITY_SCALE: multiplies every test's size. */
  readonly scale: number;
  close(): Promise<void>;
}

export const BUCKET = 'xray-reliability';

/** Starts the shared storage and Redis in `dir`; the services must have been built. */
export async function openWorld(
  dir: string,
  scale: number,
  onLine: (service: string, line: string) => void
): Promise<World> {
  for (const pkg of ['receiver', 'processor', 'query']) {
    if (!existsSync(script(pkg, 'main.js')))
      throw new Error(
        `${script(pkg, 'main.js')} is missing: run "npm run build" first (npm run test:reliability does).`
      );
  }
  const redis = await RedisServer.start({ dir: join(dir, 'data', 'redis') });
  let storage: Storage;
  try {
    storage = await startStorage({
      dataDir: join(dir, 'data'),
      clickhousePort: await freePort(),
      s3Port: await freePort(),
      bucket: BUCKET,
      onLine,
    });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  return {
    dir,
    storage,
    redis,
    bucket: BUCKET,
    scale,
    async close() {
      await Promise.allSettled([storage.stop(), redis.stop()]);
    },
  };
}

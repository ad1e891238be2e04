import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REDIS_URL } from '@xray/core/service';
import type { TestProject } from 'vitest/node';
import { ensureRedis, freePort, script, startStorage, stopRedis } from '@xray/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    s3Endpoint: string;
    redisUrl: string;
    bucket: string;
  }
}

/**
 * One embedded ClickHouse and one s3rver for the whole test run, as real processes. Tests isolate
 * themselves inside them (own database, own key prefix, own stream), so they can run in parallel.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const built of [script('stack', 'clickhouse/main.js'), script('processor', 'main.js')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first (npm test does).`);
  }
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = await ensureRedis(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'xray-test-'));
  const bucket = 'xray-test';
  const storage = await startStorage({
    dataDir,
    clickhousePort: await freePort(),
    s3Port: await freePort(),
    bucket,
    onLine: (name, line) => {
      if (/error|exception/i.test(line)) process.stderr.write(`[${name}] ${line}\n`);
    },
  });
  project.provide('clickhouseUrl', storage.clickhouseUrl);
  project.provide('s3Endpoint', storage.s3Endpoint);
  project.provide('redisUrl', redisUrl);
  project.provide('bucket', bucket);
  return async () => {
    await storage.stop();
    if (redis === 'started') await stopRedis(redisUrl);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

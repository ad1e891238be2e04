/** For the receiver's tests: a real project with keys in a file key store of its own, and an unlimited rate limiter. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Authenticator,
  createAuthenticator,
  fileKeyStore,
  type ProjectKeys,
  provisionProject,
  type RateLimits,
} from '@xray/auth';
import { createRateLimiter, type Limits, type RateLimiter } from './rate-limit.js';

export interface TestTenant {
  keys: ProjectKeys;
  /** `createApp` dependencies: the real authenticator on the file store, and a rate limiter. */
  deps: { authenticate: Authenticator; rateLimiter: RateLimiter };
  /** `Authorization` header with the ingest key. */
  auth: { authorization: string };
  close(): Promise<void>;
}

export async function testTenant(
  projectId: string,
  options: { keyLimits?: RateLimits; defaults?: Limits } = {}
): Promise<TestTenant> {
  const dir = await mkdtemp(join(tmpdir(), 'xray-receiver-test-'));
  const store = fileKeyStore(join(dir, 'keys.json'));
  const keys = await provisionProject(store, projectId, { limits: options.keyLimits });
  return {
    keys,
    deps: {
      authenticate: createAuthenticator(store, { kind: 'ingest' }),
      rateLimiter: createRateLimiter({ defaults: options.defaults ?? { spansPerSecond: 0, bytesPerSecond: 0 } }),
    },
    auth: { authorization: `Bearer ${keys.ingestKey}` },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

import type { ReliabilityTest } from '../suite.js';
import { apiFuzz } from './api-fuzz.js';
import { auth } from './auth.js';
import { backpressure } from './backpressure.js';
import { baseline } from './baseline.js';
import { checkerControl } from './checker-control.js';
import { fuzzedBodies } from './fuzzed-bodies.js';
import { gzipBomb1GiB } from './gzip-bomb.js';
import { largePayloads } from './large-payloads.js';
import { poisonEntries } from './poison-entries.js';
import { processorCrash } from './processor-crash.js';
import { receiverCrash } from './receiver-crash.js';
import { queryInjection } from './query-injection.js';
import { rateLimit } from './rate-limit.js';
import { redisRestart } from './redis-restart.js';
import { retentionAndDeletion } from './retention-and-deletion.js';
import { sdkNeverBlocks } from './sdk-never-blocks.js';
import { sdkNeverThrows } from './sdk-never-throws.js';
import { storageOutage } from './storage-outage.js';
import { tenantIsolation } from './tenant-isolation.js';

/** Every test, in the order they run. */
export const TESTS: readonly ReliabilityTest[] = [
  baseline,
  processorCrash,
  receiverCrash,
  redisRestart,
  storageOutage,
  largePayloads,
  poisonEntries,
  backpressure,
  sdkNeverThrows,
  sdkNeverBlocks,
  fuzzedBodies,
  gzipBomb1GiB,
  auth,
  tenantIsolation,
  rateLimit,
  queryInjection,
  retentionAndDeletion,
  apiFuzz,
  checkerControl,
];

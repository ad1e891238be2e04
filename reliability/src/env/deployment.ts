import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { DEFAULT_CONSUMER_GROUP, deadLetterStream } from '@xray/core/ingest';
import { RETAINED_TABLES } from '@xray/core/storage';
import type { ProcessorStage } from '@xray/processor';
import { freePort, script, type ServiceProcess, spawnService, waitForHttp } from '@xray/stack';
import { Redis } from 'ioredis';
import { FaultProxy, type TapDirection } from '../proxy.js';
import { sleep, until } from '../util.js';
import { crashLine, FAULTY_PROCESSOR, faultEnv, type FaultSettings } from './faults.js';
import { authEnv, bearer, type ProjectKeys, provisionKeys, UNLIMITED_RATE_ENV } from './keys.js';
import type { RedisServer } from './redis-server.js';
import type { World } from './world.js';

export type ServiceName = 'processor' | 'receiver' | 'query';
export const SERVICES: readonly ServiceName[] = ['processor', 'receiver', 'query'];

/** The processor's consumer group and its one consumer name (stable across restarts, so a restarted processor finds its own pending entries). */
export const GROUP = DEFAULT_CONSUMER_GROUP;
export const CONSUMER = 'processor-1';
const READY_TIMEOUT_MILLIS = 60_000;
/** Every service process the suite started and that may still run, for {@link killAllServices}. */
const live = new Set<ServiceProcess>();

/** SIGKILLs every service process still running (the suite was interrupted). */
export function killAllServices(): void {
  for (const p of live) p.child.kill('SIGKILL');
}
const KEPT_LINES = 5000;

export interface DeploymentOptions {
  /** Short name; the database, stream and project are named after it plus a random suffix. */
  label: string;
  /** The Redis holding the stream and the keys (default: the run's shared one). */
  redis?: RedisServer;
  /** Started at once, in this order (default all; the processor first: it creates the schema). */
  services?: readonly ServiceName[];
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /**
   * Put fault proxies between the processor and ClickHouse, and between S3 and the services that
   * write to it (the processor; the receiver, which stores payload uploads): one S3 outage cuts both.
   */
  proxyStorage?: boolean;
  /** Put a pass-through proxy between the query API and ClickHouse that shows its traffic here. */
  tapQuery?: (direction: TapDirection, chunk: Buffer) => void;
}

/**
 * One X-Ray deployment inside the run's storage: its own ClickHouse database, Redis stream and
 * project (with keys), and receiver, processor and query API as child processes that a test may
 * kill (-9), restart with other settings, or cut off from storage through fault proxies.
 */
export class Deployment {
  readonly label: string;
  readonly projectId: string;
  readonly database: string;
  readonly stream: string;
  readonly group = GROUP;
  readonly redisUrl: string;
  readonly clickhouseUrl: string;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly proxies: { clickhouse?: FaultProxy; s3?: FaultProxy; query?: FaultProxy } = {};
  /** The services' output lines (the latest few thousand). */
  readonly lines: string[] = [];
  keys!: ProjectKeys;
  #ports!: Record<ServiceName, number>;
  readonly #processes = new Map<ServiceName, ServiceProcess>();
  readonly #env: Record<string, string>;

  readonly #log: (line: string) => void;

  private constructor(world: World, o: DeploymentOptions, log: (line: string) => void) {
    this.#log = log;
    const suffix = randomBytes(3).toString('hex');
    this.label = o.label;
    this.projectId = `rel-${o.label}-${suffix}`;
    this.database = `rel_${o.label.replace(/-/g, '_')}_${suffix}`;
    this.stream = `rel:${o.label}:${suffix}`;
    this.redisUrl = (o.redis ?? world.redis).url;
    this.clickhouseUrl = world.storage.clickhouseUrl;
    this.s3Endpoint = world.storage.s3Endpoint;
    this.bucket = world.bucket;
    this.#env = o.env ?? {};
  }

  /** Creates the project and its keys, the proxies, and starts the services. */
  static async open(world: World, log: (line: string) => void, o: DeploymentOptions): Promise<Deployment> {
    const d = new Deployment(world, o, log);
    d.#ports = { receiver: await freePort(), query: await freePort(), processor: await freePort() };
    d.keys = await provisionKeys(d.redisUrl, d.projectId);
    const port = (url: string) => Number(new URL(url).port);
    if (o.proxyStorage) {
      d.proxies.clickhouse = await FaultProxy.start({ targetPort: port(d.clickhouseUrl) });
      d.proxies.s3 = await FaultProxy.start({ targetPort: port(d.s3Endpoint) });
    }
    if (o.tapQuery) d.proxies.query = await FaultProxy.start({ targetPort: port(d.clickhouseUrl), tap: o.tapQuery });
    try {
      for (const name of o.services ?? SERVICES) await d.start(name);
    } catch (err) {
      await d.close();
      throw err;
    }
    return d;
  }

  get receiverUrl(): string {
    return `http://127.0.0.1:${this.#ports.receiver}`;
  }
  get tracesUrl(): string {
    return `${this.receiverUrl}/v1/traces`;
  }
  get queryUrl(): string {
    return `http://127.0.0.1:${this.#ports.query}`;
  }
  get processorUrl(): string {
    return `http://127.0.0.1:${this.#ports.processor}`;
  }

  /** Headers for the receiver (the project's ingest key). */
  ingestHeaders(): Record<string, string> {
    return bearer(this.keys.ingestKey);
  }

  /** Headers for the query API (the project's read key). */
  readHeaders(): Record<string, string> {
    return bearer(this.keys.readKey);
  }

  /** The running process of a service, if any. */
  process(name: ServiceName): ServiceProcess | undefined {
    const p = this.#processes.get(name);
    return p && p.child.exitCode === null && p.child.signalCode === null ? p : undefined;
  }

  /**
   * Starts a service (same port as before), with `extra` environment on top; waits for /healthz
   * unless `waitReady` is false.
   */
  start(name: ServiceName, extra: Record<string, string> = {}, waitReady = true): Promise<ServiceProcess> {
    return this.#start(name, script(name, 'main.js'), extra, waitReady);
  }

  /**
   * Starts the test-only faulty processor (`children/faulty-processor.ts`) in the processor's place:
   * crashing at a stage, or acknowledging before writing. `waitReady` false: for one meant to crash at once.
   */
  startFaultyProcessor(faults: Partial<FaultSettings>, waitReady = true): Promise<ServiceProcess> {
    return this.#start('processor', FAULTY_PROCESSOR, faultEnv(faults), waitReady);
  }

  /**
   * Starts a faulty processor set to kill itself at `stage` the `afterBatches`-th time a batch gets
   * there; true when it did, there, within `waitMillis` (else it is killed and false).
   */
  async crashProcessorAt(stage: ProcessorStage, afterBatches: number, waitMillis: number): Promise<boolean> {
    const p = await this.startFaultyProcessor({ crashAt: stage, crashAfter: afterBatches }, false);
    const gone = await Promise.race([p.exited.then(() => true), sleep(waitMillis).then(() => false)]);
    if (!gone) {
      await this.kill('processor');
      return false;
    }
    // Its last line may arrive just after the exit.
    const said = await until(() => this.lines.some((line) => line.includes(crashLine(stage))), 2000);
    return p.child.signalCode === 'SIGKILL' && said;
  }

  async #start(name: ServiceName, file: string, extra: Record<string, string>, waitReady: boolean) {
    if (this.process(name)) throw new Error(`${name} is already running`);
    const p = spawnService(name, file, {
      env: { ...this.#serviceEnv(name), ...extra },
      onLine: (line) => {
        this.lines.push(`[${name}] ${line}`);
        if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
        this.#log(`[${this.label} ${name}] ${line}`);
      },
    });
    this.#processes.set(name, p);
    live.add(p);
    void p.exited.then(() => live.delete(p));
    const port = this.#ports[name];
    if (waitReady) await waitForHttp(`http://127.0.0.1:${port}/healthz`, READY_TIMEOUT_MILLIS, p);
    return p;
  }

  /** `kill -9` and wait until it is gone. Returns whether it was running. */
  async kill(name: ServiceName): Promise<boolean> {
    const p = this.process(name);
    if (!p) return false;
    p.child.kill('SIGKILL');
    await p.exited;
    return true;
  }

  /** A clean stop (SIGTERM). */
  async stop(name: ServiceName): Promise<void> {
    await this.#processes.get(name)?.stop(3000);
  }

  /**
   * Merges every retained table's parts now (`OPTIMIZE TABLE … FINAL`), which ClickHouse would do
   * in its own time: parts whose TTL has passed are dropped, rows removed by DELETE go for good.
   */
  async mergeTables(): Promise<void> {
    const ch = createClient({ url: this.clickhouseUrl, database: this.database });
    try {
      for (const { table } of RETAINED_TABLES) await ch.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    } finally {
      await ch.close();
    }
  }

  /** Stops everything and removes the database, the streams and the proxies. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#processes.values()].map((p) => p.stop(2000)));
    await Promise.allSettled(Object.values(this.proxies).map((p) => p.close()));
    const ch = createClient({ url: this.clickhouseUrl });
    await ch.command({ query: `DROP DATABASE IF EXISTS ${this.database}` }).catch(() => undefined);
    await ch.close();
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', () => undefined);
    await redis
      .connect()
      .then(() => redis.del(this.stream, deadLetterStream(this.stream)))
      .catch(() => undefined);
    redis.disconnect();
  }

  #serviceEnv(name: ServiceName): Record<string, string> {
    const viaProxy = (proxy: FaultProxy | undefined, direct: string) => (proxy ? proxy.url : direct);
    const clickhouse =
      name === 'processor'
        ? viaProxy(this.proxies.clickhouse, this.clickhouseUrl)
        : name === 'query'
          ? viaProxy(this.proxies.query, this.clickhouseUrl)
          : this.clickhouseUrl;
    return {
      REDIS_URL: this.redisUrl,
      XRAY_STREAM: this.stream,
      XRAY_CONSUMER_GROUP: GROUP,
      CLICKHOUSE_URL: clickhouse,
      CLICKHOUSE_DATABASE: this.database,
      S3_ENDPOINT: name === 'query' ? this.s3Endpoint : viaProxy(this.proxies.s3, this.s3Endpoint),
      S3_BUCKET: this.bucket,
      ...authEnv(),
      ...UNLIMITED_RATE_ENV,
      RECEIVER_PORT: String(this.#ports.receiver),
      QUERY_PORT: String(this.#ports.query),
      PROCESSOR_PORT: String(this.#ports.processor),
      PROCESSOR_CONSUMER: CONSUMER,
      PROCESSOR_BLOCK_MS: '100',
      ...this.#env,
    };
  }
}

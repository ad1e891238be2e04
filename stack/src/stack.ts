import { join } from 'node:path';
import { openKeyStore, type ProjectKeys, provisionProject } from '@xray/auth';
import { script, type ServiceProcess, spawnService, waitForHttp } from './process.js';

/** Embedded storage: ClickHouse (chDB over HTTP) and S3 (s3rver), each its own process. */
export interface StorageOptions {
  /** Folder for `clickhouse/` and `s3/` data; kept across restarts. */
  dataDir: string;
  clickhousePort: number;
  s3Port: number;
  bucket: string;
  onLine?: (service: string, line: string) => void;
}

export interface Storage {
  clickhouseUrl: string;
  s3Endpoint: string;
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

/** Starts the embedded ClickHouse and s3rver and waits until both answer. */
export async function startStorage(o: StorageOptions): Promise<Storage> {
  const line = (name: string) => (o.onLine ? (l: string) => o.onLine!(name, l) : undefined);
  const clickhouse = spawnService('clickhouse', script('stack', 'clickhouse/main.js'), {
    env: { CLICKHOUSE_DATA_DIR: join(o.dataDir, 'clickhouse'), CLICKHOUSE_PORT: String(o.clickhousePort) },
    onLine: line('clickhouse'),
  });
  const s3 = spawnService('s3', script('stack', 's3/main.js'), {
    env: { S3_DATA_DIR: join(o.dataDir, 's3'), S3_PORT: String(o.s3Port), S3_BUCKET: o.bucket },
    onLine: line('s3'),
  });
  const storage: Storage = {
    clickhouseUrl: `http://127.0.0.1:${o.clickhousePort}`,
    s3Endpoint: `http://127.0.0.1:${o.s3Port}`,
    processes: [clickhouse, s3],
    stop: () => stopAll([clickhouse, s3]),
  };
  try {
    await waitForHttp(`${storage.clickhouseUrl}/ping`, 60_000, clickhouse);
    await waitForHttp(`${storage.s3Endpoint}/${o.bucket}`, 30_000, s3);
  } catch (err) {
    await storage.stop();
    throw err;
  }
  return storage;
}

/** Receiver, processor and query API, pointed at existing storage and Redis. */
export interface ServicesOptions {
  clickhouseUrl: string;
  s3Endpoint: string;
  redisUrl: string;
  receiverPort: number;
  queryPort: number;
  processorPort: number;
  stream: string;
  database: string;
  bucket: string;
  /** The project to create, with an ingest and a read key (unless `keys` are given). */
  projectId: string;
  /** Keys of an existing project to use instead of creating `projectId`. */
  keys?: ProjectKeys;
  /** XRAY_AUTH_STORE of every service (default `redis`: REDIS_URL, keys under `xray:auth:`). */
  authStore?: string;
  /** Extra environment for every service (e.g. tuning knobs in tests). */
  env?: Record<string, string>;
  onLine?: (service: string, line: string) => void;
}

export interface Services {
  receiverUrl: string;
  queryUrl: string;
  /** Health, readiness and metrics of the first processor. */
  processorUrl: string;
  /** The project's ingest key (receiver) and read key (query API). */
  keys: ProjectKeys;
  processes: Record<'processor' | 'receiver' | 'query', ServiceProcess>;
  /** Starts another processor in the same consumer group; its health endpoint on `port` (default: any). */
  addProcessor(name: string, port?: number): ServiceProcess;
  stop(): Promise<void>;
}

/** Starts the processor (which migrates the schema), then the receiver and the query API. */
export async function startServices(o: ServicesOptions): Promise<Services> {
  const authStore = o.authStore ?? 'redis';
  const keys = o.keys ?? (await provisionKeys(authStore, o.redisUrl, o.projectId));
  const env: Record<string, string> = {
    REDIS_URL: o.redisUrl,
    XRAY_STREAM: o.stream,
    CLICKHOUSE_URL: o.clickhouseUrl,
    CLICKHOUSE_DATABASE: o.database,
    S3_ENDPOINT: o.s3Endpoint,
    S3_BUCKET: o.bucket,
    XRAY_AUTH_STORE: authStore,
    RECEIVER_PORT: String(o.receiverPort),
    QUERY_PORT: String(o.queryPort),
    PROCESSOR_PORT: String(o.processorPort),
    ...o.env,
  };
  const start = (name: string, pkg: string, extra: Record<string, string> = {}) =>
    spawnService(name, script(pkg, 'main.js'), {
      env: { ...env, ...extra },
      onLine: o.onLine ? (l) => o.onLine!(name, l) : undefined,
    });
  const extra: ServiceProcess[] = [];
  const processor = start('processor', 'processor', { PROCESSOR_CONSUMER: 'processor-1' });
  // The processor owns the schema: start the others once it has migrated and is consuming.
  try {
    await waitForHttp(`http://127.0.0.1:${o.processorPort}/healthz`, 60_000, processor);
  } catch (err) {
    await processor.stop();
    throw err;
  }
  const receiver = start('receiver', 'receiver');
  const query = start('query', 'query');
  const services: Services = {
    receiverUrl: `http://127.0.0.1:${o.receiverPort}`,
    queryUrl: `http://127.0.0.1:${o.queryPort}`,
    processorUrl: `http://127.0.0.1:${o.processorPort}`,
    keys,
    processes: { processor, receiver, query },
    addProcessor(name, port = 0) {
      const p = start(name, 'processor', { PROCESSOR_CONSUMER: name, PROCESSOR_PORT: String(port) });
      extra.push(p);
      return p;
    },
    stop: () => stopAll([receiver, ...extra, processor, query]),
  };
  try {
    await waitForHttp(`${services.receiverUrl}/healthz`, 30_000, receiver);
    await waitForHttp(`${services.queryUrl}/healthz`, 30_000, query);
  } catch (err) {
    await services.stop();
    throw err;
  }
  return services;
}

async function provisionKeys(authStore: string, redisUrl: string, projectId: string): Promise<ProjectKeys> {
  const store = openKeyStore(authStore, redisUrl);
  try {
    return await provisionProject(store, projectId);
  } finally {
    await store.close();
  }
}

async function stopAll(processes: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}

import { join } from 'node:path';
import { openKeyStore, type ProjectKeys, provisionProject } from '@xray/auth';
import { script, type ServiceProcess, type ServiceSpec, spawnService, waitForHttp } from './process.js';

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
  /** How to start each of `processes` again (same order), e.g. for a `Supervisor`. */
  specs: ServiceSpec[];
  stop(): Promise<void>;
}

/** Starts the embedded ClickHouse and s3rver and waits until both answer. */
export async function startStorage(o: StorageOptions): Promise<Storage> {
  const line = (name: string) => (o.onLine ? (l: string) => o.onLine!(name, l) : undefined);
  const clickhouseUrl = `http://127.0.0.1:${o.clickhousePort}`;
  const s3Endpoint = `http://127.0.0.1:${o.s3Port}`;
  const specs: ServiceSpec[] = [
    {
      name: 'clickhouse',
      spawn: () =>
        spawnService('clickhouse', script('stack', 'clickhouse/main.js'), {
          env: { CLICKHOUSE_DATA_DIR: join(o.dataDir, 'clickhouse'), CLICKHOUSE_PORT: String(o.clickhousePort) },
          onLine: line('clickhouse'),
        }),
      readyUrl: `${clickhouseUrl}/ping`,
      readyTimeoutMillis: 60_000,
      hint: `that port ${o.clickhousePort} is free and ${join(o.dataDir, 'clickhouse')} is writable`,
    },
    {
      name: 's3',
      spawn: () =>
        spawnService('s3', script('stack', 's3/main.js'), {
          env: { S3_DATA_DIR: join(o.dataDir, 's3'), S3_PORT: String(o.s3Port), S3_BUCKET: o.bucket },
          onLine: line('s3'),
        }),
      readyUrl: `${s3Endpoint}/${o.bucket}`,
      readyTimeoutMillis: 30_000,
      hint: `that port ${o.s3Port} is free and ${join(o.dataDir, 's3')} is writable`,
    },
  ];
  const processes = specs.map((spec) => spec.spawn());
  const storage: Storage = { clickhouseUrl, s3Endpoint, processes, specs, stop: () => stopAll(processes) };
  try {
    for (const [i, spec] of specs.entries()) await waitForHttp(spec.readyUrl, spec.readyTimeoutMillis, processes[i]);
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
  processes: Record<ServiceName, ServiceProcess>;
  /** How to start each of `processes` again, e.g. for a `Supervisor`. */
  specs: Record<ServiceName, ServiceSpec>;
  /** Starts another processor in the same consumer group; its health endpoint on `port` (default: any). */
  addProcessor(name: string, port?: number): ServiceProcess;
  stop(): Promise<void>;
}

type ServiceName = 'processor' | 'receiver' | 'query';

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
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const redis = `Redis (${o.redisUrl})`;
  const specs: Record<ServiceName, ServiceSpec> = {
    processor: {
      name: 'processor',
      spawn: () => start('processor', 'processor', { PROCESSOR_CONSUMER: 'processor-1' }),
      readyUrl: `${url(o.processorPort)}/healthz`,
      readyTimeoutMillis: 60_000,
      hint: `that port ${o.processorPort} is free and ${redis}, ClickHouse (${o.clickhouseUrl}) and S3 (${o.s3Endpoint}) answer`,
    },
    receiver: {
      name: 'receiver',
      spawn: () => start('receiver', 'receiver'),
      readyUrl: `${url(o.receiverPort)}/healthz`,
      readyTimeoutMillis: 30_000,
      hint: `that port ${o.receiverPort} is free and ${redis} and S3 (${o.s3Endpoint}) answer`,
    },
    query: {
      name: 'query',
      spawn: () => start('query', 'query'),
      readyUrl: `${url(o.queryPort)}/healthz`,
      readyTimeoutMillis: 30_000,
      hint: `that port ${o.queryPort} is free and ClickHouse (${o.clickhouseUrl}), S3 (${o.s3Endpoint}) and ${redis} answer`,
    },
  };
  const extra: ServiceProcess[] = [];
  const processor = specs.processor.spawn();
  // The processor owns the schema: start the others once it has migrated and is consuming.
  try {
    await waitForHttp(specs.processor.readyUrl, specs.processor.readyTimeoutMillis, processor);
  } catch (err) {
    await processor.stop();
    throw err;
  }
  const receiver = specs.receiver.spawn();
  const query = specs.query.spawn();
  const services: Services = {
    receiverUrl: url(o.receiverPort),
    queryUrl: url(o.queryPort),
    processorUrl: url(o.processorPort),
    keys,
    processes: { processor, receiver, query },
    specs,
    addProcessor(name, port = 0) {
      const p = start(name, 'processor', { PROCESSOR_CONSUMER: name, PROCESSOR_PORT: String(port) });
      extra.push(p);
      return p;
    },
    stop: () => stopAll([receiver, ...extra, processor, query]),
  };
  try {
    await waitForHttp(specs.receiver.readyUrl, specs.receiver.readyTimeoutMillis, receiver);
    await waitForHttp(specs.query.readyUrl, specs.query.readyTimeoutMillis, query);
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

/**
 * What the payload upload tests share: an s3rver of the test file's own (in process, on a folder of
 * its own, stoppable and restartable on the same port), two real projects with keys in a file key
 * store, and receivers behind real @hono/node-server listeners, so bodies arrive as they would
 * from an SDK (declared or chunked) and connections behave as they would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { createAuthenticator, fileKeyStore, type ProjectKeys, provisionProject } from '@xray/auth';
import { DEFAULT_REDIS_URL, type LogFields, type Logger } from '@xray/core/service';
import { decompressPayload, s3ClientConfig, type StorageSettings } from '@xray/core/storage';
import { payloadDay } from '@xray/otel';
import S3rver from 's3rver';
import { createApp, type Receiver } from './app.js';
import { S3PayloadStore } from './payload-store.js';
import { createRedisSpanQueue, type RedisSpanQueue } from './queue.js';
import { createRateLimiter, type Limits } from './rate-limit.js';

export const TODAY = payloadDay(Date.now());
export const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A logger that keeps its lines as `level msg key=value…`. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void lines.push([`${level} ${message}`, ...Object.entries(fields).map(([k, v]) => `${k}=${v}`)].join(' '));
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A JSON document of about `bytes` bytes, different on every call. */
export function jsonDoc(bytes: number): string {
  const row = (i: number) => `{"item":"item-${i}","score":${(i * 7) % 101},"note":"${randomBytes(6).toString('hex')}"}`;
  const rows: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) size += rows[rows.push(row(i)) - 1]!.length + 1;
  return `[${rows.join(',')}]`;
}

/** An s3rver that can be stopped and started again on the same port, keeping its objects. */
export class TestS3 {
  #server: S3rver | undefined;
  readonly client: S3Client;

  private constructor(
    readonly directory: string,
    readonly port: number,
    readonly settings: StorageSettings['s3']
  ) {
    this.client = new S3Client(s3ClientConfig(settings));
  }

  /** Starts an s3rver on a free port and a folder of its own, with no bucket yet: the receiver creates it. */
  static async start(): Promise<TestS3> {
    const directory = await mkdtemp(join(tmpdir(), 'xray-receiver-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
    const { port } = await server.run();
    const s3 = new TestS3(directory, port, {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket: `xray-recv-${randomBytes(4).toString('hex')}`,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    s3.#server = server;
    return s3;
  }

  /** Stops answering: connections to its port are refused. */
  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = undefined;
  }

  /** Answers again, on the same port and with the same objects. */
  async resume(): Promise<void> {
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      directory: this.directory,
      silent: true,
      vhostBuckets: false,
    });
    await server.run();
    this.#server = server;
  }

  /** Every key in the bucket. */
  async keys(): Promise<string[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  /** An object's bytes (decompressed), content type and metadata. */
  async read(key: string): Promise<{ text: string; contentType?: string; metadata?: Record<string, string> }> {
    const got = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    const compressed = Buffer.from(await got.Body!.transformToByteArray());
    const text = (await decompressPayload(compressed)).toString('utf8');
    return { text, contentType: got.ContentType, metadata: got.Metadata };
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** Two projects, their keys in a file key store of their own. */
export interface TestProjects {
  a: ProjectKeys;
  b: ProjectKeys;
  authenticate: ReturnType<typeof createAuthenticator>;
  close(): Promise<void>;
}

export async function testProjects(): Promise<TestProjects> {
  const dir = await mkdtemp(join(tmpdir(), 'xray-receiver-keys-'));
  const store = fileKeyStore(join(dir, 'keys.json'));
  const id = randomBytes(3).toString('hex');
  const a = await provisionProject(store, `pa-${id}`);
  const b = await provisionProject(store, `pb-${id}`);
  const authenticate = createAuthenticator(store, { kind: 'ingest' });
  return { a, b, authenticate, close: () => rm(dir, { recursive: true, force: true }) };
}

/** A receiver listening on a free port. */
export interface TestReceiver {
  url: string;
  receiver: Receiver;
  store: S3PayloadStore;
  /** PUTs `body` as the payload `day`/`sha` with `key` (the ingest key of project A by default). */
  put(day: string, sha: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startReceiver(
  s3: TestS3,
  projects: TestProjects,
  o: { maxBytes?: number; maxInFlight?: number; bucket?: string; logger?: Logger; limits?: Limits } = {}
): Promise<TestReceiver> {
  const queue: RedisSpanQueue = createRedisSpanQueue({ url: DEFAULT_REDIS_URL, stream: `test:recv:${randomBytes(8)}` });
  const store = new S3PayloadStore({ ...s3.settings, bucket: o.bucket ?? s3.settings.bucket });
  const receiver = createApp({
    queue,
    authenticate: projects.authenticate,
    rateLimiter: createRateLimiter({ defaults: o.limits ?? { spansPerSecond: 0, bytesPerSecond: 0 }, burstSeconds: 1 }),
    maxBodyBytes: 64 * 1024,
    payloads: { store, maxBytes: o.maxBytes ?? 64 * 1024 * 1024, maxInFlight: o.maxInFlight ?? 8 },
    logger: o.logger,
  });
  const server: ServerType = serve({ fetch: receiver.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    receiver,
    store,
    put: (day, sha, body, headers = {}) =>
      fetch(`${url}/v1/payloads/${day}/${sha}`, {
        method: 'PUT',
        body,
        headers: { authorization: `Bearer ${projects.a.ingestKey}`, 'content-type': 'application/json', ...headers },
      }),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      store.close();
      await queue.close();
    },
  };
}

/**
 * PUTs a chunked body (no Content-Length) with `key`, writing `chunk` until the server answers or
 * `maxChunks` are written; resolves with the status and how many bytes were written before it.
 */
export function putChunked(
  url: string,
  key: string,
  chunk: Buffer,
  maxChunks: number
): Promise<{ status: number; sent: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = httpRequest(url, { method: 'PUT', headers: { authorization: `Bearer ${key}` } });
    const pump = () => {
      while (sent < maxChunks * chunk.length && req.write(chunk)) sent += chunk.length;
    };
    req.on('drain', pump);
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent, connection: res.headers.connection });
      req.destroy();
    });
    req.on('error', reject);
    pump();
  });
}

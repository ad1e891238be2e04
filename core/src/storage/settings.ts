/**
 * Where ClickHouse and S3 are, read from the environment the same way by every service that
 * talks to them (processor, query API). Defaults match the local stack (`npm start`).
 */
export interface StorageSettings {
  clickhouse: {
    url: string;
    database: string;
    username: string;
    password: string;
    /** Cluster (as named in the servers' `remote_servers`) to create the schema on; undefined = one server. */
    cluster?: string;
  };
  s3: { endpoint: string | undefined; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
}

/** CLICKHOUSE_DATABASE unless set: the database the schema is created in. */
export const DEFAULT_DATABASE = 'xray';
/** S3_BUCKET unless set: where payloads go. */
export const DEFAULT_BUCKET = 'xray-payloads';

/** Reads CLICKHOUSE_* and S3_* variables; throws one clear error naming a bad one. */
export function readStorageSettings(env: NodeJS.ProcessEnv = process.env): StorageSettings {
  const url = env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
  try {
    new URL(url);
  } catch (cause) {
    throw new Error(`CLICKHOUSE_URL is not a URL: ${JSON.stringify(url)} (expected e.g. http://127.0.0.1:8123)`, {
      cause,
    });
  }
  const database = env.CLICKHOUSE_DATABASE ?? DEFAULT_DATABASE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new Error(`CLICKHOUSE_DATABASE must be a plain identifier, got ${JSON.stringify(database)}`);
  // Unset or empty: one server. Set: the schema is created ON CLUSTER (see core/src/storage/cluster.ts).
  const cluster = env.CLICKHOUSE_CLUSTER || undefined;
  if (cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) {
    throw new Error(
      `CLICKHOUSE_CLUSTER must be a plain identifier (a cluster name from remote_servers), got ${JSON.stringify(cluster)}`
    );
  }
  return {
    clickhouse: {
      url,
      database,
      username: env.CLICKHOUSE_USER ?? 'default',
      password: env.CLICKHOUSE_PASSWORD ?? '',
      ...(cluster === undefined ? {} : { cluster }),
    },
    s3: {
      // Empty S3_ENDPOINT means AWS itself; unset means the local stack's s3rver.
      endpoint: env.S3_ENDPOINT === undefined ? 'http://127.0.0.1:4569' : env.S3_ENDPOINT || undefined,
      region: env.S3_REGION ?? 'us-east-1',
      bucket: env.S3_BUCKET ?? DEFAULT_BUCKET,
      accessKeyId: env.S3_ACCESS_KEY_ID ?? 'S3RVER',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'S3RVER',
    },
  };
}

/** Options for `new S3Client(...)`: path-style addressing when an endpoint (MinIO, s3rver) is set. */
export function s3ClientConfig(s3: StorageSettings['s3']) {
  return {
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Without timeouts a stalled S3 hangs a PUT, and with it the processor, forever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    maxAttempts: 3,
  };
}

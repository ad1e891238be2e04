import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createClient } from '@clickhouse/client';
import { s3ClientConfig, Tables } from '@xray/core/storage';

/** Where a deployment stores its data. */
export interface StorageTarget {
  clickhouseUrl: string;
  database: string;
  projectId: string;
  s3Endpoint: string;
  bucket: string;
}

interface PayloadColumns {
  payload_key: string;
  payload_offset: number;
  payload_length: number;
}

export interface StoredRun extends PayloadColumns {
  run_id: string;
  fields: Record<string, string>;
}

export interface StoredStep extends PayloadColumns {
  step_id: string;
  fields: Record<string, string>;
}

export interface StoredDecision extends PayloadColumns {
  step_id: string;
  seq: number;
  item_id: string;
  outcome: string;
  reason: string;
}

/** Everything a project has in ClickHouse (read with FINAL) and S3. */
export interface Stored {
  runs: StoredRun[];
  steps: StoredStep[];
  decisions: StoredDecision[];
  /** Payload objects of the project, by key. */
  objects: Map<string, Buffer>;
}

const RUN_FIELDS = ['pipeline', 'total_steps', 'input_count', 'output_count'] as const;
const STEP_FIELDS = [
  'name',
  'input_count',
  'output_count',
  'kept_count',
  'eliminated_count',
  'scored_count',
  'decision_count',
] as const;
const PAYLOAD = 'payload_key, payload_offset, payload_length';

// Every value is a bound parameter; FINAL collapses re-delivered copies within a partition, so
// any row still repeated is a real duplicate.
const QUERIES = {
  runs: `SELECT run_id, ${RUN_FIELDS.join(', ')}, ${PAYLOAD} FROM ${Tables.RUNS} FINAL WHERE project_id = {projectId:String}`,
  steps: `SELECT step_id, ${STEP_FIELDS.join(', ')}, ${PAYLOAD} FROM ${Tables.STEPS} FINAL WHERE project_id = {projectId:String}`,
  decisions: `SELECT step_id, seq, item_id, toString(outcome) AS outcome, reason, ${PAYLOAD} FROM ${Tables.DECISIONS} FINAL WHERE project_id = {projectId:String}`,
} as const;

const S3_CONCURRENCY = 8;

/** Reads the project's rows and payload objects. */
export async function readStored(t: StorageTarget): Promise<Stored> {
  const [rows, objects] = await Promise.all([readRows(t), readObjects(t)]);
  return { ...rows, objects };
}

async function readRows(t: StorageTarget): Promise<Omit<Stored, 'objects'>> {
  const ch = createClient({ url: t.clickhouseUrl, database: t.database });
  const select = async (query: string) => {
    const result = await ch.query({ query, query_params: { projectId: t.projectId }, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  };
  try {
    const payload = (r: Record<string, unknown>): PayloadColumns => ({
      payload_key: String(r.payload_key),
      payload_offset: Number(r.payload_offset),
      payload_length: Number(r.payload_length),
    });
    const pick = (r: Record<string, unknown>, names: readonly string[]) =>
      Object.fromEntries(names.map((n) => [n, String(r[n])]));
    return {
      runs: (await select(QUERIES.runs)).map((r) => ({
        run_id: String(r.run_id),
        fields: pick(r, RUN_FIELDS),
        ...payload(r),
      })),
      steps: (await select(QUERIES.steps)).map((r) => ({
        step_id: String(r.step_id),
        fields: pick(r, STEP_FIELDS),
        ...payload(r),
      })),
      decisions: (await select(QUERIES.decisions)).map((r) => ({
        step_id: String(r.step_id),
        seq: Number(r.seq),
        item_id: String(r.item_id),
        outcome: String(r.outcome),
        reason: String(r.reason),
        ...payload(r),
      })),
    };
  } finally {
    await ch.close();
  }
}

async function readObjects(t: StorageTarget): Promise<Map<string, Buffer>> {
  const s3 = new S3Client(
    s3ClientConfig({
      endpoint: t.s3Endpoint,
      region: 'us-east-1',
      bucket: t.bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    })
  );
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: t.bucket, Prefix: `${t.projectId}/`, ContinuationToken: token })
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const objects = new Map<string, Buffer>();
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        const res = await s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
        objects.set(key, Buffer.from(await res.Body!.transformToByteArray()));
      }
    };
    await Promise.all(Array.from({ length: S3_CONCURRENCY }, worker));
    return objects;
  } finally {
    s3.destroy();
  }
}

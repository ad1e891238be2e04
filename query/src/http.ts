/** What every route module shares: the request's project, the stores, errors as sentences, payloads, step names. */
import { type ErrorResponse, type StepIndex } from '@xray/core/api';
import type { RecordIdentity } from '@xray/core/storage';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PayloadReader, RowReader } from './store.js';

/** Per-request values: the project of the request's read key. */
export type Env = { Variables: { projectId: string } };

/** Where answers come from: rows from ClickHouse, records from S3. */
export interface QueryStores {
  rows: RowReader;
  payloads: PayloadReader;
}

export function errorJson<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  const body: ErrorResponse = { error: { code, message } };
  return c.json(body, status);
}

export function notFound(c: Context, message: string) {
  return errorJson(c, 404, 'not_found', message);
}

export function runNotFound(c: Context, runId: string) {
  return notFound(c, `No run ${runId} in this project. Check the id, or wait a moment if the run just finished.`);
}

export function stepNotFound(c: Context, stepId: string) {
  return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
}

/** Step names and positions by step id. */
export function stepIndex(steps: readonly Record<string, unknown>[]): StepIndex {
  return new Map(steps.map((st) => [String(st.step_id), { name: String(st.name), index: Number(st.step_index) }]));
}

/** The record a row points at in S3 (found in its frame by `identity`); only ever under the project's own prefix. */
export async function recordOf(
  payloads: PayloadReader,
  projectId: string,
  row: Record<string, unknown>,
  identity: RecordIdentity
): Promise<Record<string, unknown> | undefined> {
  const key = String(row.payload_key);
  if (!key.startsWith(`${projectId}/`)) throw new Error(`payload key ${key} is outside project ${projectId}`);
  return payloads.record(key, Number(row.payload_offset), Number(row.payload_length), identity);
}

/** What every route module shares: the request's project, errors as sentences, ids, pages, payloads. */
import { type ErrorResponse, type StepIndex } from '@xray/core/api';
import { RUN_ID_RE, STEP_ID_RE } from '@xray/core/model';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { BadRequest, choiceParam, encodeCursor } from './params.js';
import type { PayloadReader, RowReader } from './store.js';

/** Per-request values: the project of the request's read key. */
export type Env = { Variables: { projectId: string } };

/** Where answers come from: rows from ClickHouse, records from S3. */
export interface QueryStores {
  rows: RowReader;
  payloads: PayloadReader;
}

type RunCursor = { t: string; r: string; x?: number };
const CURSOR_TIME_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/;
/** A position among runs: time and run id (and ratio when sorting by ratio). */
export const isRunCursor = (v: unknown): v is RunCursor =>
  typeof v === 'object' &&
  v !== null &&
  CURSOR_TIME_RE.test(String((v as RunCursor).t)) &&
  RUN_ID_RE.test(String((v as RunCursor).r)) &&
  ((v as RunCursor).x === undefined || Number.isFinite((v as RunCursor).x));
/** A position among a step's decisions: a sequence number. */
export const isSeqCursor = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/**
 * One page of rows fetched with `limit + 1`: the extra row only says that another page exists, and
 * the cursor is the position of the last row returned.
 */
export function paginate<R>(
  found: R[],
  limit: number,
  position: (last: R) => unknown
): { items: R[]; nextCursor: string | null } {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}

/** Step names and positions by step id. */
export function stepIndex(steps: readonly Record<string, unknown>[]): StepIndex {
  return new Map(steps.map((st) => [String(st.step_id), { name: String(st.name), index: Number(st.step_index) }]));
}

/** `consistency=exact` (the default: FINAL) or `eventual` (no FINAL: faster, may count a re-delivered row twice until merged). */
export function exactParam(raw: string | undefined): boolean {
  return choiceParam('consistency', raw, ['exact', 'eventual'] as const) !== 'eventual';
}

export function idParam(raw: string, re: RegExp, name: string, shape: string): string {
  const value = raw.toLowerCase();
  if (!re.test(value)) throw new BadRequest(`${name} must be ${shape}, got ${JSON.stringify(raw)}`);
  return value;
}

export const runIdParam = (c: Context) => idParam(c.req.param('runId') ?? '', RUN_ID_RE, 'runId', '32 hex characters');
export const stepIdParam = (c: Context) =>
  idParam(c.req.param('stepId') ?? '', STEP_ID_RE, 'stepId', '16 hex characters');

export function runNotFound(c: Context, runId: string) {
  return notFound(c, `No run ${runId} in this project. Check the id, or wait a moment if the run just finished.`);
}

export function stepNotFound(c: Context, stepId: string) {
  return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
}

export function notFound(c: Context, message: string) {
  return errorJson(c, 404, 'not_found', message);
}

export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  const body: ErrorResponse = { error: { code, message } };
  return c.json(body, status);
}

/** The record a row points at in S3; only ever under the project's own prefix. */
export async function payloadOf(
  payloads: PayloadReader,
  projectId: string,
  row: Record<string, unknown>
): Promise<Record<string, unknown> | undefined> {
  const key = String(row.payload_key);
  if (!key.startsWith(`${projectId}/`)) throw new Error(`payload key ${key} is outside project ${projectId}`);
  return payloads.read(key, Number(row.payload_offset), Number(row.payload_length));
}

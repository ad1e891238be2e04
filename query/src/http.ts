/** What every route module shares: the request's project, the stores, errors as sentences, payloads, step names. */
import type { KeyKind, Retention } from '@xray/auth';
import {
  DELETED_PAYLOAD_MESSAGE,
  deletedRunMessage,
  type ErrorResponse,
  expiredPayloadMessage,
  PayloadStates,
  type RunDeletion,
  type StepIndex,
} from '@xray/core/api';
import { clickhouseTimeToIso } from '@xray/core/model';
import { deletedRunQuery } from '@xray/core/queries';
import { dayExpired, type RecordIdentity } from '@xray/core/storage';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PayloadReader, RowReader } from './store.js';

/** Per-request values: the project of the request's key, and the key's kind (read or admin). */
export type Env = { Variables: { projectId: string; keyKind: KeyKind } };

/** A project's current retention: its own, or the deployment's default (`createRetentionLookup` of `@xray/auth`). */
export type RetentionLookup = (projectId: string) => Promise<Retention>;

/** Deletes a run of a project with everything recorded of it; `undefined` when the project has no such run. */
export interface RunDeleter {
  deleteRun(projectId: string, runId: string): Promise<RunDeletion | undefined>;
}

/** Where answers come from: rows from ClickHouse, records from S3, retention from the key store. */
export interface QueryStores {
  rows: RowReader;
  payloads: PayloadReader;
  retention: RetentionLookup;
  /** `DELETE /v1/runs/{runId}`; without it that route is absent. */
  deletions?: RunDeleter;
}

export function errorJson<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  const body: ErrorResponse = { error: { code, message } };
  return c.json(body, status);
}

export function notFound(c: Context, message: string) {
  return errorJson(c, 404, 'not_found', message);
}

export function gone(c: Context, message: string) {
  return errorJson(c, 410, 'gone', message);
}

export function runNotFound(c: Context, runId: string) {
  return notFound(c, `No run ${runId} in this project. Check the id, or wait a moment if the run just finished.`);
}

export function stepNotFound(c: Context, stepId: string) {
  return notFound(c, `No step ${stepId} in this project. Step ids come from GET /v1/runs/{runId}/steps.`);
}

/** When a run of the project was deleted (ISO time): its tombstone, also while the deletion is in progress. */
export async function runDeletedAt(rows: RowReader, projectId: string, runId: string): Promise<string | undefined> {
  const [tombstone] = await rows.rows(deletedRunQuery(projectId, runId));
  return tombstone && clickhouseTimeToIso(String(tombstone.deleted_text));
}

/**
 * The 410 answer for a deleted run of the key's project (deleted, or being deleted: never half a
 * run), or `undefined` when it was not deleted. Every route that names a run asks this first.
 */
export async function runGone(c: Context<Env>, rows: RowReader, runId: string) {
  const deletedAt = await runDeletedAt(rows, c.var.projectId, runId);
  return deletedAt === undefined ? undefined : gone(c, deletedRunMessage(runId, deletedAt));
}

/** Why a value stored by reference on `day` is not in storage, when X-Ray removed it on purpose. */
export type Removal = { state: typeof PayloadStates.EXPIRED | typeof PayloadStates.DELETED; message: string };

/** Where a route reads a run's payloads: under the project's prefix, and why a missing one may be gone. */
export interface PayloadScope {
  projectId: string;
  /** Why a payload stored on `day` (unknown: `undefined`) is not in storage; `undefined` when X-Ray did not remove it. */
  removal(day: string | undefined): Promise<Removal | undefined>;
}

/** The payload scope of a run of the request's project: its values expire with the project's retention, or go with the run. */
export function payloadScope(c: Context<Env>, stores: QueryStores, runId: string): PayloadScope {
  const projectId = c.var.projectId;
  let deleted: Promise<string | undefined> | undefined;
  return {
    projectId,
    async removal(day) {
      const { days } = await stores.retention(projectId);
      if (day !== undefined && dayExpired(day, days, Date.now()))
        return { state: PayloadStates.EXPIRED, message: expiredPayloadMessage(day, days) };
      deleted ??= runDeletedAt(stores.rows, projectId, runId);
      if ((await deleted) !== undefined) return { state: PayloadStates.DELETED, message: DELETED_PAYLOAD_MESSAGE };
      return undefined;
    },
  };
}

const KEY_DAY_RE = /\/payloads\/(\d{4})\/(\d{2})\/(\d{2})\//;

/** The answer for a row whose record is not in storage: 410 when X-Ray removed it (expired, deleted), else 404. */
export async function recordMissing(c: Context, scope: PayloadScope, row: Record<string, unknown>, missing: string) {
  // Keys are `<project>/payloads/YYYY/MM/DD/…`: the day the record expires with.
  const m = KEY_DAY_RE.exec(String(row.payload_key));
  const removal = await scope.removal(m ? `${m[1]}-${m[2]}-${m[3]}` : undefined);
  return removal ? gone(c, removal.message) : notFound(c, missing);
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

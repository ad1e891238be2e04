/** The query API from the terminal: requests with the read (or admin) key, errors turned into sentences. */
import { Readable } from 'node:stream';
import type { ErrorResponse } from '@xray/core/api';

/**
 * The query API answered with an error, could not be reached, or its answer cannot serve the command
 * (a payload missing from storage); the message says what to do. Exit code 1.
 */
export class ApiError extends Error {
  override name = 'ApiError';
}

/** A streamed answer: the bytes, and what the API says of them. */
export interface Download {
  body: AsyncIterable<Uint8Array>;
  /** Content-Length, when sent. */
  bytes: number | undefined;
  /** The `x-xray-sha256` header of a stored value, when sent. */
  sha256: string | undefined;
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  /** GETs `path` and streams its body (a stored payload); the timeout covers the answer's start only. */
  download(path: string): Promise<Download>;
  post<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export interface ApiOptions {
  url: string;
  key: string | undefined;
  /** The kind of key the command needs, for the messages about a missing or refused key (default read). */
  keyKind?: ApiKeyKind;
  /** Per request, ms (default 30,000). */
  timeoutMillis?: number;
}

/** Which key a command sends: a read key (the questions) or an admin key (`xray delete run`). */
export type ApiKeyKind = 'read' | 'admin';

/** What to say when the key is missing, and which flag or variable to check when it is refused. */
const KEY_HELP: Record<ApiKeyKind, { missing: string; check: string }> = {
  read: {
    missing: 'no read key: pass --key <read key> or set XRAY_READ_KEY (xray create project prints one).',
    check: 'check --key / XRAY_READ_KEY',
  },
  admin: {
    missing:
      'no admin key: pass --key <admin key> or set XRAY_ADMIN_KEY (xray create key <project> --kind admin prints one).',
    check: 'check --key / XRAY_ADMIN_KEY: deleting needs an admin key of the project',
  },
};

export function apiClient(o: ApiOptions): ApiClient {
  const base = o.url.replace(/\/+$/, '');
  const keyKind = o.keyKind ?? 'read';
  const timeoutMillis = o.timeoutMillis ?? 30_000;
  const send = async (
    method: string,
    path: string,
    query: Record<string, string | number | undefined>,
    body: unknown,
    signal: AbortSignal
  ): Promise<Response> => {
    if (!o.key) throw new ApiError(KEY_HELP[keyKind].missing);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const url = `${base}${path}${params.size ? `?${params}` : ''}`;
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${o.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (err) {
      throw new ApiError(
        `the query API does not answer at ${base} (${(err as Error).message}); start X-Ray (npm start) or pass --url.`
      );
    }
  };
  const refused = (res: Response, answer: unknown) => {
    const message = (answer as ErrorResponse | undefined)?.error?.message ?? `HTTP ${res.status}`;
    const refusedKey = res.status === 401 || (res.status === 403 && keyKind === 'admin');
    return new ApiError(`${message}${refusedKey ? ` (${KEY_HELP[keyKind].check})` : ''}`);
  };
  const call = async <T>(
    method: string,
    path: string,
    query: Record<string, string | number | undefined> = {},
    body?: unknown
  ): Promise<T> => {
    const res = await send(method, path, query, body, AbortSignal.timeout(timeoutMillis));
    const answer = (await res.json().catch(() => undefined)) as T | ErrorResponse | undefined;
    if (!res.ok) throw refused(res, answer);
    return answer as T;
  };
  return {
    get: (path, query) => call('GET', path, query),
    async download(path) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`no answer in ${timeoutMillis} ms`)), timeoutMillis);
      let res: Response;
      try {
        res = await send('GET', path, {}, undefined, abort.signal);
        if (!res.ok) throw refused(res, await res.json().catch(() => undefined));
      } finally {
        clearTimeout(timer);
      }
      const length = res.headers.get('content-length');
      return {
        body: res.body ?? Readable.from([]),
        bytes: length === null ? undefined : Number(length),
        sha256: res.headers.get('x-xray-sha256') ?? undefined,
      };
    },
    post: (path, body) => call('POST', path, {}, body),
    delete: (path) => call('DELETE', path),
  };
}

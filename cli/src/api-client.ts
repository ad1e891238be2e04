/** The query API from the terminal: GET with the read key, errors turned into sentences. */
import type { ErrorResponse } from '@xray/core/api';

/** The query API answered with an error, or could not be reached; the message says what to do. */
export class ApiError extends Error {
  override name = 'ApiError';
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export interface ApiOptions {
  url: string;
  key: string | undefined;
  /** Per request, ms (default 30,000). */
  timeoutMillis?: number;
}

export function apiClient(o: ApiOptions): ApiClient {
  const base = o.url.replace(/\/+$/, '');
  const call = async <T>(
    method: string,
    path: string,
    query: Record<string, string | number | undefined> = {},
    body?: unknown
  ): Promise<T> => {
    if (!o.key)
      throw new ApiError('no read key: pass --key <read key> or set XRAY_READ_KEY (xray create project prints one).');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const url = `${base}${path}${params.size ? `?${params}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${o.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(o.timeoutMillis ?? 30_000),
      });
    } catch (err) {
      throw new ApiError(
        `the query API does not answer at ${base} (${(err as Error).message}); start X-Ray (npm start) or pass --url.`
      );
    }
    const answer = (await res.json().catch(() => undefined)) as T | ErrorResponse | undefined;
    if (!res.ok) {
      const message = (answer as ErrorResponse | undefined)?.error?.message ?? `HTTP ${res.status}`;
      throw new ApiError(`${message}${res.status === 401 ? ' (check --key / XRAY_READ_KEY)' : ''}`);
    }
    return answer as T;
  };
  return {
    get: (path, query) => call('GET', path, query),
    post: (path, body) => call('POST', path, {}, body),
    delete: (path) => call('DELETE', path),
  };
}

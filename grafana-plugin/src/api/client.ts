import { lastValueFrom } from 'rxjs';
import { config, getBackendSrv, isFetchError } from '@grafana/runtime';

/** Query parameters; undefined and empty values are left out. */
export type Params = Record<string, string | number | undefined>;

/** An answer the plugin can show: a sentence saying what went wrong and what to do. */
export class XRayApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string
  ) {
    super(message);
    this.name = 'XRayApiError';
  }
}

/** The query API as the plugin's pages see it: GET a path, get its JSON or an XRayApiError. */
export interface XRayApi {
  get<T>(path: string, params?: Params): Promise<T>;
  /**
   * The URL a link downloads a query API path from (`<a href download>`): through the same proxy,
   * which adds the key, so the browser streams a large file to disk without ever holding the key.
   */
  linkTo(path: string): string;
  /** Where the query API is, for error messages ("unreachable at ..."). */
  readonly apiUrl: string;
}

/** `path?name=value&…`, leaving out undefined, null and empty values. */
export function withParams(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, String(value));
    }
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** Where a user sets the URL and key; error sentences send them there. */
export const APP_SETTINGS = 'on the X-Ray app configuration page';

/**
 * A client that calls the query API through a Grafana proxy route (`proxyUrl`), which adds the
 * read key server-side: the browser never holds it.
 */
export function proxyApi(proxyUrl: string, apiUrl: string, settings = APP_SETTINGS): XRayApi {
  return {
    apiUrl,
    async get<T>(path: string, params?: Params): Promise<T> {
      const url = `${proxyUrl}${withParams(path, params)}`;
      try {
        const response = await lastValueFrom(
          getBackendSrv().fetch<T>({ url, method: 'GET', showErrorAlert: false, showSuccessAlert: false })
        );
        return response.data;
      } catch (err) {
        throw toApiError(err, apiUrl, settings);
      }
    },
    linkTo(path: string): string {
      // Grafana served under a sub-path (/grafana) serves its proxy there too.
      return `${config.appSubUrl ?? ''}${proxyUrl}${path}`;
    },
  };
}

/** What Grafana's data source proxy answers (400) when the upstream answered 401. */
const DS_PROXY_AUTH_FAILED = 'Authentication to data source failed';

interface ErrorBody {
  error?: { code?: string; message?: string };
  message?: string;
}

/** Turns a failed proxy call into a sentence a person can act on. */
export function toApiError(err: unknown, apiUrl: string, settings = APP_SETTINGS): XRayApiError {
  const where = apiUrl || 'the configured URL';
  if (!isFetchError(err)) {
    return new XRayApiError(
      `Query API unreachable at ${where}: ${err instanceof Error ? err.message : String(err)}.`,
      0,
      'unreachable'
    );
  }
  const body = (typeof err.data === 'object' && err.data !== null ? err.data : {}) as ErrorBody;
  const apiMessage = body.error?.message;
  const refusedKey =
    err.status === 401 ||
    (err.status === 400 && (err.data === DS_PROXY_AUTH_FAILED || body.message === DS_PROXY_AUTH_FAILED));
  switch (refusedKey ? 401 : err.status) {
    case 401:
      return new XRayApiError(
        `The query API refused the read key (401). Set a read key (xrr_…) ${settings}.`,
        401,
        body.error?.code ?? 'unauthorized'
      );
    case 403:
      return new XRayApiError(
        `The key set ${settings} is not a read key (403): it needs a read key (xrr_…), not an ingest key.`,
        403,
        body.error?.code ?? 'forbidden'
      );
    case 502:
    case 503:
    case 504:
    case 0:
      if (apiMessage) {
        return new XRayApiError(apiMessage, err.status, body.error?.code ?? 'unavailable');
      }
      return new XRayApiError(
        `Query API unreachable at ${where} (${err.status || 'no answer'}). Check that it runs and that the URL set ${settings} is right.`,
        err.status,
        'unreachable'
      );
    default:
      return new XRayApiError(
        apiMessage ??
          body.message ??
          `The query API answered ${err.status}${err.statusText ? ` ${err.statusText}` : ''}.`,
        err.status,
        body.error?.code ?? 'error'
      );
  }
}

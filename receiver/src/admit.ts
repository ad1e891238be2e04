/**
 * Who may send, decided before a byte of the body is read: the ingest key (its project is the
 * project of everything the request carries, never anything the URL or body says) and its rate
 * limit. One rule for every route that takes data: `POST /v1/traces` and `PUT /v1/payloads/…`.
 */
import type { Authenticator } from '@xray/auth';
import type { RateLimiter } from './rate-limit.js';

/** Who sent a request: the project of its key, and the key's rate-limit account. */
export interface Tenant {
  projectId: string;
  /** Charges the spans accepted and the bytes read (after decompression) to the key. */
  charge(spans: number, bytes: number): void;
}

/** A refusal: the status, the sentence, and the headers the answer must carry. */
export interface Refusal {
  status: 401 | 403 | 429 | 503;
  message: string;
  headers: Record<string, string>;
}

export type Admission = { ok: true; tenant: Tenant } | ({ ok: false } & Refusal);

/**
 * Checks the request's key and its rate limit. `maxBodyBytes` is the route's body limit: a client
 * without a valid key whose body is chunked or declared over it is not read at all, so its 401
 * closes the connection once sent (an exporter with a wrong key still reads its 401; it cannot
 * reuse the connection). A body of a declared length within the limit is discarded after the
 * answer by @hono/node-server, as for any refusal, and the connection stays open.
 */
export async function admit(
  req: Request,
  deps: { authenticate: Authenticator; rateLimiter: RateLimiter },
  maxBodyBytes: number
): Promise<Admission> {
  const auth = await deps.authenticate(req.headers.get('authorization'));
  if (!auth.ok) {
    const headers: Record<string, string> = {};
    if (auth.status === 401) {
      headers['www-authenticate'] = 'Bearer realm="xray"';
      const declared = Number(req.headers.get('content-length') ?? 0);
      if (req.headers.has('transfer-encoding') || !(declared <= maxBodyBytes)) headers.connection = 'close';
    }
    if (auth.status === 503) headers['retry-after'] = '1';
    return { ok: false, status: auth.status, message: auth.message, headers };
  }
  const { id: keyId, projectId, limits } = auth.key;
  const wait = deps.rateLimiter.retryAfter(keyId, limits);
  if (wait > 0) {
    return {
      ok: false,
      status: 429,
      message: `Key ${keyId} is over its rate limit; retry after ${wait} s.`,
      headers: { 'retry-after': String(wait) },
    };
  }
  return {
    ok: true,
    tenant: { projectId, charge: (spans, bytes) => deps.rateLimiter.charge(keyId, spans, bytes, limits) },
  };
}

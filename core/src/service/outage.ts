/**
 * Is this failure an outage of a dependency (ClickHouse, S3, Redis), rather than something about the
 * request or its data? One answer for every service: the processor retries an outage forever and
 * never dead-letters an entry for it; the query API answers 503 + Retry-After when its storage is
 * unreachable, 500 otherwise.
 */

/**
 * - `unreachable`: the network says so: a connection error code (`ECONNREFUSED`, `ECONNRESET`,
 *   `ETIMEDOUT`, `EPIPE`, `EHOSTUNREACH`, `ENETUNREACH`, `ENOTFOUND`, `EAI_AGAIN`, any `ECONN*`,
 *   undici's `UND_ERR_*`) or a `TimeoutError`, on the error or along its causes.
 * - `busy`: the dependency answered that it cannot serve now (HTTP 5xx or 429, an AWS SDK
 *   `$retryable`, a ClickHouse TIMEOUT, TOO_MANY_*, MEMORY_LIMIT, NETWORK or SOCKET exception), the
 *   call was aborted, or only the message hints at a dropped connection or a timeout. Retrying later
 *   may work, but it is not certain the dependency is down.
 */
export type Outage = 'unreachable' | 'busy';

const CONNECTION_CODE = /^(ECONN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_)/;

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  type?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * The kind of outage `err` shows, or undefined when it is about the request or the data (a
 * ClickHouse exception such as a parse error, an S3 4xx, a bug): a retry of the same call would
 * fail the same way.
 */
export function classifyOutage(err: unknown): Outage | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && CONNECTION_CODE.test(e.code)) return 'unreachable';
  if (e.name === 'TimeoutError') return 'unreachable';
  if (e.name === 'AbortError' || e.$retryable) return 'busy';
  // An answer from S3 (AWS SDK v3): its status decides, whatever the cause.
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 ? 'busy' : undefined;
  // A ClickHouse exception: its type decides.
  if (typeof e.type === 'string') {
    // TOO_MANY_PARTS is also how ClickHouse refuses one insert spanning over 100 partitions: a
    // property of the data (e.g. decisions dated across 101 months), which no retry will change.
    if (e.type === 'TOO_MANY_PARTS' && /single INSERT block/i.test(String(e.message))) return undefined;
    return /TIMEOUT|TOO_MANY|MEMORY_LIMIT|NETWORK|SOCKET/.test(e.type) ? 'busy' : undefined;
  }
  const cause = e.cause !== undefined && e.cause !== err ? classifyOutage(e.cause) : undefined;
  if (cause) return cause;
  return /socket hang up|timeout|ECONN/i.test(String(e.message)) ? 'busy' : undefined;
}

/** Whether `err` is an outage of either kind: worth retrying for as long as it lasts. */
export function isOutage(err: unknown): boolean {
  return classifyOutage(err) !== undefined;
}

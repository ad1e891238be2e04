/**
 * Whether a failed write may succeed if simply retried: storage unreachable, slow or overloaded.
 * Such failures never send an entry to the dead letters, however long they last; a failure the
 * storage reports about the data itself (a ClickHouse exception, an S3 4xx) does, after retries.
 */
export function isTransient(err: unknown): boolean {
  const e = err as {
    code?: unknown;
    name?: string;
    type?: unknown;
    cause?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (typeof e !== 'object' || e === null) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^(ECONN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  if (typeof e.type === 'string') {
    // TOO_MANY_PARTS is also how ClickHouse refuses one insert spanning over 100 partitions: a
    // property of the data (e.g. decisions dated across 101 months), which no retry will change.
    if (e.type === 'TOO_MANY_PARTS' && /single INSERT block/i.test(String((e as Error).message))) return false;
    return /TIMEOUT|TOO_MANY|MEMORY_LIMIT|NETWORK|SOCKET/.test(e.type);
  }
  if (/socket hang up|timeout|ECONN/i.test(String((e as Error).message))) return true;
  return e.cause !== undefined && e.cause !== err ? isTransient(e.cause) : false;
}

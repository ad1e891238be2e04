import { describe, expect, it } from 'vitest';
import { classifyOutage, isOutage } from './outage.js';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
const clickhouse = (message: string, type: string) => Object.assign(new Error(message), { type, code: '252' });
const s3 = (message: string, httpStatusCode: number) =>
  Object.assign(new Error(message), { $metadata: { httpStatusCode } });

describe('classifyOutage', () => {
  // The processor retries these forever and never dead-letters an entry for them (was its isTransient).
  it('treats unreachable, slow or overloaded storage as worth retrying forever', () => {
    for (const err of [
      coded('connect ECONNREFUSED 127.0.0.1:8123', 'ECONNREFUSED'),
      coded('socket hang up', 'ECONNRESET'),
      Object.assign(new Error('Timeout'), { name: 'TimeoutError' }),
      s3('SlowDown', 503),
      clickhouse('Too many parts (3001). Merges are processing significantly slower than inserts', 'TOO_MANY_PARTS'),
      Object.assign(new Error('wrapped'), { cause: coded('x', 'ETIMEDOUT') }),
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      Object.assign(new Error('throttled'), { $retryable: { throttling: true } }),
      s3('TooManyRequests', 429),
      clickhouse('Memory limit (total) exceeded', 'MEMORY_LIMIT_EXCEEDED'),
      new Error('Timeout error.'),
      coded('getaddrinfo EAI_AGAIN clickhouse', 'EAI_AGAIN'),
    ]) {
      expect(isOutage(err), err.message).toBe(true);
    }
  });

  it('treats what storage says about the data as a reason to give up eventually', () => {
    for (const err of [
      clickhouse('Cannot parse input', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'),
      s3('InvalidArgument', 400),
      // One entry's decisions dated across 101 months: the same insert fails the same way forever.
      clickhouse(
        "Too many partitions for single INSERT block (more than 100). The limit is controlled by 'max_partitions_per_insert_block' setting.",
        'TOO_MANY_PARTS'
      ),
      new Error('unexpected'),
    ]) {
      expect(isOutage(err), err.message).toBe(false);
    }
    for (const notAnError of [undefined, null, 'ECONNREFUSED', 42]) expect(isOutage(notAnError)).toBe(false);
  });

  // The query API answers 503 + Retry-After for these (was its isConnectionError), 500 otherwise.
  it('calls the storage unreachable when the network says so, on the error or its cause', () => {
    for (const err of [
      coded('connect ECONNREFUSED 127.0.0.1:8123', 'ECONNREFUSED'),
      coded('read ECONNRESET', 'ECONNRESET'),
      coded('connect ETIMEDOUT', 'ETIMEDOUT'),
      coded('connect EHOSTUNREACH', 'EHOSTUNREACH'),
      coded('getaddrinfo ENOTFOUND minio', 'ENOTFOUND'),
      coded('write EPIPE', 'EPIPE'),
      coded('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'),
      Object.assign(new TypeError('fetch failed'), { cause: coded('connect ECONNREFUSED', 'ECONNREFUSED') }),
      Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }),
      // Beyond the query API's old list: the same kind of failure.
      coded('connect ENETUNREACH', 'ENETUNREACH'),
      Object.assign(new Error('a'), { cause: Object.assign(new Error('b'), { cause: coded('c', 'ECONNRESET') }) }),
    ]) {
      expect(classifyOutage(err), err.message).toBe('unreachable');
    }
  });

  it('does not call the storage unreachable when it answered, or only might be down', () => {
    expect(classifyOutage(clickhouse('Unknown table', 'UNKNOWN_TABLE'))).toBeUndefined();
    expect(classifyOutage(Object.assign(new Error('Syntax error'), { code: '62', type: 'SYNTAX_ERROR' }))).toBe(
      undefined
    );
    expect(classifyOutage(clickhouse('Timeout exceeded: elapsed 30 s', 'TIMEOUT_EXCEEDED'))).toBe('busy');
    expect(classifyOutage(s3('InternalError', 500))).toBe('busy');
    expect(classifyOutage(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('busy');
    expect(classifyOutage(new Error('socket hang up'))).toBe('busy');
    expect(classifyOutage(new Error('ClickHouse said no'))).toBeUndefined();
  });
});

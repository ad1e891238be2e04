import { describe, expect, it } from 'vitest';
import { isTransient } from './errors.js';

describe('isTransient', () => {
  it('treats unreachable, slow or overloaded storage as worth retrying forever', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Timeout'), { name: 'TimeoutError' }),
      Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } }),
      Object.assign(new Error('Too many parts (3001). Merges are processing significantly slower than inserts'), {
        type: 'TOO_MANY_PARTS',
        code: '252',
      }),
      Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }),
    ]) {
      expect(isTransient(err), err.message).toBe(true);
    }
  });

  it('treats what storage says about the data as a reason to give up eventually', () => {
    for (const err of [
      Object.assign(new Error('Cannot parse input'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', code: '27' }),
      Object.assign(new Error('InvalidArgument'), { $metadata: { httpStatusCode: 400 } }),
      // One entry's decisions dated across 101 months: the same insert fails the same way forever.
      Object.assign(
        new Error(
          "Too many partitions for single INSERT block (more than 100). The limit is controlled by 'max_partitions_per_insert_block' setting."
        ),
        { type: 'TOO_MANY_PARTS', code: '252' }
      ),
      new Error('unexpected'),
    ]) {
      expect(isTransient(err), err.message).toBe(false);
    }
  });
});

import { DEAD_LETTER_FIELDS as F } from '@xray/core';
import type { Redis } from 'ioredis';
import type { DeadLetters } from './processor.js';
import type { StreamEntry } from './stream.js';

/** Dead letters kept in a Redis Stream beside the main one (`deadLetterStream()`), with the error. */
export class RedisDeadLetters implements DeadLetters {
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
  ) {}

  async add(entry: StreamEntry, error: string): Promise<void> {
    await this.redis.xadd(this.stream, '*', F.ID, entry.id, F.ERROR, error, F.MESSAGE, entry.message ?? '');
  }
}

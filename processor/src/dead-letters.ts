import type { Redis } from 'ioredis';
import type { DeadLetters } from './processor.js';
import type { StreamEntry } from './stream.js';

/** Dead letters kept in a Redis Stream beside the main one (`<stream>:dead`), with the error. */
export class RedisDeadLetters implements DeadLetters {
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
  ) {}

  async add(entry: StreamEntry, error: string): Promise<void> {
    await this.redis.xadd(this.stream, '*', 'id', entry.id, 'error', error, 'm', entry.message ?? '');
  }
}

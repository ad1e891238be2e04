import { DeadLetterFields as F } from '@xray/core/ingest';
import type { Redis } from 'ioredis';
import type { DeadLetters } from './processor.js';
import type { StreamEntry } from './stream.js';

/**
 * Dead letters kept in a Redis Stream beside the main one (`deadLetterStream()`): the entry id, the
 * error, then the entry's own fields byte for byte, so it can be inspected or added back as it was.
 */
export class RedisDeadLetters implements DeadLetters {
  readonly #redis: Redis;
  readonly #stream: string;

  constructor(redis: Redis, stream: string) {
    this.#redis = redis;
    this.#stream = stream;
  }

  async add(entry: StreamEntry, error: string): Promise<void> {
    const original: (string | Buffer)[] = [];
    for (const [name, value] of entry.fields)
      original.push(name, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    await this.#redis.xadd(this.#stream, '*', F.ID, entry.id, F.ERROR, error, ...original);
  }
}

import { QUEUE_FIELD } from '@xray/core';
import type { Redis } from 'ioredis';

/** One stream entry: its id and its message field. */
export interface StreamEntry {
  id: string;
  message: string | undefined;
}

export interface StreamOptions {
  stream: string;
  group: string;
  consumer: string;
}

type RawEntry = [id: string, fields: string[] | null];

/**
 * A consumer in a Redis Stream consumer group. Reading starts with this consumer's own pending
 * entries (left unacknowledged by a crash or a failed write), then new ones; entries idle on
 * another consumer past a limit are claimed, so a dead processor's work is not stranded.
 */
export class GroupConsumer {
  readonly #redis: Redis;
  readonly #o: StreamOptions;
  /** While re-reading own pending entries: the id after which to continue; undefined once caught up. */
  #pendingAfter: string | undefined = '0';

  constructor(redis: Redis, options: StreamOptions) {
    this.#redis = redis;
    this.#o = options;
  }

  /** Creates the consumer group (and the stream) if missing. */
  async ensureGroup(): Promise<void> {
    try {
      await this.#redis.xgroup('CREATE', this.#o.stream, this.#o.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** After a failed write: re-read own pending entries before new ones. */
  rewind(): void {
    this.#pendingAfter = '0';
  }

  /** Next entries to process: own pending first, then new ones (waiting up to `blockMillis`). */
  async read(count: number, blockMillis: number): Promise<StreamEntry[]> {
    if (this.#pendingAfter !== undefined) {
      // Continue after the last pending entry returned, so entries still being written are not
      // handed out a second time.
      const pending = await this.#xread(count, undefined, this.#pendingAfter);
      if (pending.length > 0) {
        this.#pendingAfter = pending.at(-1)!.id;
        return pending;
      }
      this.#pendingAfter = undefined;
    }
    return this.#xread(count, blockMillis, '>');
  }

  /** Takes over up to `count` entries idle longer than `minIdleMillis` on any consumer. */
  async claimIdle(minIdleMillis: number, count: number): Promise<StreamEntry[]> {
    const reply = (await this.#redis.xautoclaim(this.#o.stream, this.#o.group, this.#o.consumer, minIdleMillis, '0-0', 'COUNT', count)) as [
      string,
      RawEntry[],
    ];
    return toEntries(reply[1]);
  }

  /** Acknowledges entries whose data is stored. */
  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#redis.xack(this.#o.stream, this.#o.group, ...ids);
  }

  async #xread(count: number, blockMillis: number | undefined, id: string): Promise<StreamEntry[]> {
    const args: (string | number)[] = ['GROUP', this.#o.group, this.#o.consumer, 'COUNT', count];
    if (blockMillis !== undefined) args.push('BLOCK', blockMillis);
    args.push('STREAMS', this.#o.stream, id);
    const reply = (await this.#redis.call('XREADGROUP', ...args)) as [string, RawEntry[]][] | null;
    return toEntries(reply?.[0]?.[1] ?? []);
  }
}

function toEntries(raw: RawEntry[]): StreamEntry[] {
  return raw.map(([id, fields]) => {
    let message: string | undefined;
    if (fields) for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === QUEUE_FIELD) message = fields[i + 1];
    return { id, message };
  });
}

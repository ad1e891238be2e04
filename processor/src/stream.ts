import type { QueueEntryFields } from '@xray/core/ingest';
import type { Redis } from 'ioredis';

/** One stream entry: its id and its fields, as bytes (a queue message's body is binary). */
export interface StreamEntry {
  id: string;
  /** Empty for an entry deleted while pending. */
  fields: QueueEntryFields;
}

export interface StreamOptions {
  stream: string;
  group: string;
  consumer: string;
}

type RawEntry = [id: Buffer, fields: Buffer[] | null];

/** Connections each Redis client has lost, counted by one listener per client. */
const connectionLosses = new WeakMap<Redis, { count: number }>();

function lossesOf(redis: Redis): { count: number } {
  let losses = connectionLosses.get(redis);
  if (!losses) {
    const counter = { count: 0 };
    redis.on('close', () => counter.count++);
    connectionLosses.set(redis, (losses = counter));
  }
  return losses;
}

/**
 * A consumer in a Redis Stream consumer group. Reading starts with this consumer's own pending
 * entries (left unacknowledged by a crash or a failed write), one at a time so that an entry that
 * keeps failing is found and can be set aside; then new entries in batches. Entries idle on
 * another consumer past a limit are claimed, so a dead processor's work is not stranded.
 */
export class GroupConsumer {
  readonly #redis: Redis;
  readonly #o: StreamOptions;
  /** While re-reading own pending entries: the id after which to continue; undefined once caught up. */
  #pendingAfter: string | undefined = '0';
  readonly #losses: { count: number };
  #lossesSeen: number;

  constructor(redis: Redis, options: StreamOptions) {
    this.#redis = redis;
    this.#o = options;
    this.#losses = lossesOf(redis);
    this.#lossesSeen = this.#losses.count;
  }

  /** Creates the consumer group (and the stream) if missing. */
  async ensureGroup(): Promise<void> {
    try {
      await this.#redis.xgroup('CREATE', this.#o.stream, this.#o.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** After a failed write: re-read own pending entries, one at a time, before new ones. */
  rewind(): void {
    this.#pendingAfter = '0';
  }

  /**
   * Whether the connection to Redis dropped since the last call. Redis may have run a read (or a
   * claim) and lost its answer with the connection: the entries it delivered are pending on this
   * consumer, unseen, and the client's resent command delivers only newer ones. The caller then
   * rewinds, once nothing it holds is still being written.
   */
  lostConnection(): boolean {
    const lost = this.#losses.count !== this.#lossesSeen;
    this.#lossesSeen = this.#losses.count;
    return lost;
  }

  /** Next entries to process: own pending first, then new ones (waiting up to `blockMillis`). */
  async read(count: number, blockMillis: number): Promise<StreamEntry[]> {
    if (this.#pendingAfter !== undefined) {
      // Continue after the last pending entry handed out, so entries still being written are not
      // handed out twice.
      const [entry] = await this.#xread(1, undefined, this.#pendingAfter);
      if (entry) {
        this.#pendingAfter = entry.id;
        return [entry];
      }
      this.#pendingAfter = undefined;
    }
    return this.#xread(count, blockMillis, '>');
  }

  /** Takes over up to `count` entries idle longer than `minIdleMillis` on any consumer. */
  async claimIdle(minIdleMillis: number, count: number): Promise<StreamEntry[]> {
    const reply = (await this.#redis.callBuffer(
      'XAUTOCLAIM',
      this.#o.stream,
      this.#o.group,
      this.#o.consumer,
      minIdleMillis,
      '0-0',
      'COUNT',
      count
    )) as [Buffer, RawEntry[]];
    return toEntries(reply[1]);
  }

  /** Acknowledges entries whose data is stored. */
  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#redis.xack(this.#o.stream, this.#o.group, ...ids);
  }

  /**
   * Removes entries every group has acknowledged. Trims by MINID below the oldest entry still
   * pending or not yet delivered in any group, so an unacknowledged entry is never removed (Redis
   * 7.0's MAXLEN would trim those too). Returns how many entries were removed.
   */
  async trim(): Promise<number> {
    const groups = ((await this.#redis.xinfo('GROUPS', this.#o.stream)) as unknown[][]).map(fields);
    let floor: string | undefined;
    for (const g of groups) {
      const [pending, oldest] = (await this.#redis.xpending(this.#o.stream, String(g.name))) as [number, string | null];
      // Below the oldest pending entry, or else just above the last delivered one.
      const keep = pending > 0 && oldest ? oldest : nextId(String(g['last-delivered-id']));
      if (floor === undefined || compareIds(keep, floor) < 0) floor = keep;
    }
    if (floor === undefined || floor === '0-1') return 0;
    return Number(await this.#redis.xtrim(this.#o.stream, 'MINID', floor));
  }

  /**
   * Stream length, entries pending in this group, entries not yet delivered to it (lag), and the age
   * of the oldest entry not yet acknowledged, pending or undelivered (0 when caught up): stream ids
   * start with the time the receiver appended the entry.
   */
  async backlog(now = Date.now()): Promise<{ length: number; pending: number; lag: number; oldestAgeMillis: number }> {
    const [length, groups, summary] = await Promise.all([
      this.#redis.xlen(this.#o.stream),
      this.#redis.xinfo('GROUPS', this.#o.stream) as Promise<unknown[][]>,
      this.#redis.xpending(this.#o.stream, this.#o.group) as Promise<[number, string | null, string | null, unknown]>,
    ]);
    const group = groups.map(fields).find((g) => g.name === this.#o.group);
    const delivered = String(group?.['last-delivered-id'] ?? '0-0');
    // As bytes: only the id is needed, and an entry's body can be large binary.
    const [next] = (await this.#redis.callBuffer(
      'XRANGE',
      this.#o.stream,
      `(${delivered}`,
      '+',
      'COUNT',
      1
    )) as RawEntry[];
    const oldest = [summary[1], next?.[0].toString('latin1')]
      .filter((id): id is string => typeof id === 'string')
      .map((id) => Number(id.split('-')[0]));
    const oldestAgeMillis = oldest.length > 0 ? Math.max(0, now - Math.min(...oldest)) : 0;
    return { length, pending: Number(group?.pending ?? 0), lag: Number(group?.lag ?? 0), oldestAgeMillis };
  }

  async #xread(count: number, blockMillis: number | undefined, id: string): Promise<StreamEntry[]> {
    const args: (string | number)[] = ['GROUP', this.#o.group, this.#o.consumer, 'COUNT', count];
    if (blockMillis !== undefined) args.push('BLOCK', blockMillis);
    args.push('STREAMS', this.#o.stream, id);
    const reply = (await this.#redis.callBuffer('XREADGROUP', ...args)) as [Buffer, RawEntry[]][] | null;
    return toEntries(reply?.[0]?.[1] ?? []);
  }
}

function toEntries(raw: RawEntry[]): StreamEntry[] {
  return raw.map(([id, f]) => {
    const fields = new Map<string, Buffer>();
    if (f) for (let i = 0; i + 1 < f.length; i += 2) fields.set(f[i]!.toString('utf8'), f[i + 1]!);
    return { id: id.toString('latin1'), fields };
  });
}

function fields(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

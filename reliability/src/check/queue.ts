import { DeadLetterFields, deadLetterStream } from '@xray/core/ingest';
import { Redis } from 'ioredis';

/** Where a deployment's queue is. */
export interface QueueTarget {
  redisUrl: string;
  stream: string;
  group: string;
}

/** The consumer group's view of the stream, as Redis keeps it. */
export interface QueueState {
  /** Entries in the stream (acknowledged ones are trimmed now and then). */
  length: number;
  /** Delivered to the group and not acknowledged (XPENDING). */
  pending: number;
  /** Entries never delivered to the group yet. */
  undelivered: boolean;
  /** Acknowledged entries: delivered (entries-read) minus pending; NaN when Redis cannot tell. */
  acknowledged: number;
  /** Entries in the dead-letter stream. */
  deadLettered: number;
  groupExists: boolean;
}

/** A short-lived Redis client that fails fast rather than queueing commands. */
export function redisClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  return redis;
}

/** Reads the stream and group state (XINFO STREAM, XINFO GROUPS, XPENDING, XLEN of the dead letters). */
export async function queueState(redis: Redis, q: QueueTarget): Promise<QueueState> {
  const deadLettered = await redis.xlen(deadLetterStream(q.stream));
  let info: Record<string, unknown>;
  try {
    info = fields((await redis.xinfo('STREAM', q.stream)) as unknown[]);
  } catch {
    return { length: 0, pending: 0, undelivered: false, acknowledged: 0, deadLettered, groupExists: false };
  }
  const groups = ((await redis.xinfo('GROUPS', q.stream)) as unknown[][]).map(fields);
  const group = groups.find((g) => g.name === q.group);
  const length = Number(info.length);
  if (!group) return { length, pending: 0, undelivered: length > 0, acknowledged: 0, deadLettered, groupExists: false };
  const [pending] = (await redis.xpending(q.stream, q.group)) as [number, ...unknown[]];
  const read = group['entries-read'];
  return {
    length,
    pending,
    undelivered: String(group['last-delivered-id']) !== String(info['last-generated-id']),
    // From one XINFO reply, so both numbers describe the same moment.
    acknowledged: read === null || read === undefined ? NaN : Number(read) - Number(group.pending),
    deadLettered,
    groupExists: true,
  };
}

/**
 * Waits until every entry was delivered to the group and acknowledged (or `timeoutMillis` passes),
 * and returns the last state seen.
 */
export async function waitForDrain(
  q: QueueTarget,
  timeoutMillis: number
): Promise<{ state: QueueState; drained: boolean; millis: number }> {
  const redis = redisClient(q.redisUrl);
  const started = Date.now();
  try {
    let state: QueueState | undefined;
    while (Date.now() - started < timeoutMillis) {
      state = await queueState(redis, q).catch(() => undefined);
      if (state && state.pending === 0 && !state.undelivered && (state.groupExists || state.length === 0)) {
        return { state, drained: true, millis: Date.now() - started };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    state ??= await queueState(redis, q);
    return { state, drained: false, millis: Date.now() - started };
  } finally {
    redis.disconnect();
  }
}

/** A dead letter: its own id, the id the entry had, why it was set aside, and the rest of its fields as text. */
export interface DeadLetter {
  id: string;
  originalId: string;
  error: string;
  /** The original entry's fields (names and values), for finding a marker in them. */
  content: string;
}

export async function readDeadLetters(redis: Redis, stream: string): Promise<DeadLetter[]> {
  const entries = (await redis.xrangeBuffer(deadLetterStream(stream), '-', '+')) as [Buffer, Buffer[]][];
  return entries.map(([id, list]) => {
    const f = fields(list.map((b) => b.toString('utf8'))) as Record<string, string>;
    const { [DeadLetterFields.ID]: originalId = '', [DeadLetterFields.ERROR]: error = '', ...rest } = f;
    return { id: id.toString(), originalId, error, content: Object.entries(rest).flat().join(' ') };
  });
}

function fields(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

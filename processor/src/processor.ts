import { decodeQueueEntry } from '@xray/core/ingest';
import { isOutage, silentLogger, type Logger } from '@xray/core/service';
import { emptyBatch, encodeBatch, mapSpans, type WriteBatch } from '@xray/core/storage';
import type { StageHook } from './stages.js';
import { emptyStats, type ProcessorStats } from './stats.js';
import type { GroupConsumer, StreamEntry } from './stream.js';

/** Where a batch goes. ClickHouse and S3 in production; anything with these two calls in a test. */
export interface BatchSink {
  /** Stores payload objects and content-addressed values (S3); says how many values were new. */
  writePayloads(batch: WriteBatch): Promise<{ blobsStored: number; blobsExisting: number } | void>;
  /** Stores rows (ClickHouse). */
  writeRows(batch: WriteBatch): Promise<void>;
}

/** Entries that can never be processed (not a queue message) go here, with the error. */
export interface DeadLetters {
  add(entry: StreamEntry, error: string): Promise<void>;
}

export interface ProcessorOptions {
  batchEntries: number;
  blockMillis: number;
  claimIdleMillis: number;
  /** Failed writes of an entry on its own, for a reason in its data, after which it goes to the dead letters (default 5). */
  maxAttempts?: number;
  /** How often to trim acknowledged entries from the stream (default 10 s). */
  trimEveryMillis?: number;
  /** Wait after a failed write before retrying; doubles up to 30 s. */
  retryBaseMillis?: number;
  /** Failed batches, dead letters and skipped spans are reported here (default: nowhere). */
  logger?: Logger;
  /** Sees each batch at each of its stages (see stages.ts); default none. */
  onStage?: StageHook;
}

/**
 * The processor loop: read entries, map them to rows and payloads, write S3 then ClickHouse,
 * and only then acknowledge. A failed write acknowledges nothing: the entries stay pending and
 * are read again, and because keys, rows and insert tokens are deterministic, a second write of
 * the same entries changes nothing visible.
 */
export class Processor {
  readonly stats: ProcessorStats = emptyStats();
  readonly #consumer: GroupConsumer;
  readonly #sink: BatchSink;
  readonly #deadLetters: DeadLetters;
  readonly #o: Required<ProcessorOptions>;
  #running = false;
  #stopped: Promise<void> = Promise.resolve();
  #lastClaim = 0;
  #lastTrim = 0;
  /**
   * Entries whose write failed when written alone (after a failed batch they are retried one at a
   * time), for a reason in their data: how often, and the last error. Outages do not count.
   */
  readonly #failures = new Map<string, { attempts: number; error: string }>();
  #wake: (() => void) | undefined;

  constructor(consumer: GroupConsumer, sink: BatchSink, deadLetters: DeadLetters, options: ProcessorOptions) {
    this.#consumer = consumer;
    this.#sink = sink;
    this.#deadLetters = deadLetters;
    // `??`, not spread: an option passed as undefined takes its default too.
    this.#o = {
      ...options,
      retryBaseMillis: options.retryBaseMillis ?? 250,
      maxAttempts: options.maxAttempts ?? 5,
      trimEveryMillis: options.trimEveryMillis ?? 10_000,
      logger: options.logger ?? silentLogger,
      onStage: options.onStage ?? (() => undefined),
    };
  }

  /** Starts the loop in the background. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopped = this.#loop();
  }

  /** Stops reading; resolves once the batch in flight is written and acknowledged (or abandoned to redelivery). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#stopped;
  }

  /** Reads and processes one batch; returns how many entries it handled. Exposed for tests. */
  async runOnce(): Promise<number> {
    const entries = await this.#next();
    if (entries.length === 0) return 0;
    await this.process(entries);
    return entries.length;
  }

  /** Writes the entries' data and acknowledges them; throws (acknowledging nothing) if a write fails. */
  async process(entries: readonly StreamEntry[]): Promise<void> {
    await this.#commit(await this.#prepare(entries));
  }

  /** Claimed entries of a dead consumer when it is time to look, else this consumer's next ones. */
  async #next(): Promise<StreamEntry[]> {
    if (Date.now() - this.#lastClaim >= this.#o.claimIdleMillis / 2) {
      this.#lastClaim = Date.now();
      const claimed = await this.#consumer.claimIdle(this.#o.claimIdleMillis, this.#o.batchEntries);
      if (claimed.length > 0) return claimed;
    }
    return this.#consumer.read(this.#o.batchEntries, this.#o.blockMillis);
  }

  /** Decodes and maps entries; undecodable ones go to the dead letters at once. */
  async #prepare(entries: readonly StreamEntry[]): Promise<Prepared> {
    const prepared: Prepared = { batch: emptyBatch(), ids: [], spans: 0, started: Date.now() };
    for (const entry of entries) {
      const failure = this.#failures.get(entry.id);
      if (failure && failure.attempts >= this.#o.maxAttempts) {
        this.#failures.delete(entry.id);
        await this.#deadLetter(entry, `could not be stored after ${failure.attempts} attempts: ${failure.error}`);
        continue;
      }
      // Any message version: version 2 bodies are decoded here with the receiver's own decoder.
      const decoded = decodeQueueEntry(entry.fields);
      if (!decoded.ok) {
        await this.#deadLetter(entry, decoded.error);
        continue;
      }
      // Mapped on its own first: mapping is deterministic, so an entry it throws on would throw on
      // every delivery and stall the queue; it goes to the dead letters at once instead.
      let mapped;
      try {
        mapped = mapSpans(decoded.value.projectId, decoded.value.spans);
      } catch (err) {
        await this.#deadLetter(entry, `its spans cannot be mapped to rows: ${(err as Error).message}`);
        continue;
      }
      appendBatch(prepared.batch, mapped);
      prepared.spans += decoded.value.spans.length;
      prepared.ids.push(entry.id);
    }
    // Frames are compressed on the thread pool while this batch waits for the one being written.
    await encodeBatch(prepared.batch);
    if (prepared.batch.skipped.length > 0) {
      const first = prepared.batch.skipped[0]!;
      this.#o.logger.warn(
        `skipped ${prepared.batch.skipped.length} unusable span(s) or decision(s); first: span ${first.spanId}: ${first.reason}`
      );
    }
    return prepared;
  }

  async #deadLetter(entry: StreamEntry, error: string): Promise<void> {
    await this.#deadLetters.add(entry, error);
    await this.#consumer.ack([entry.id]);
    this.stats.deadLettered++;
    this.#o.logger.warn(`dead-lettered entry ${entry.id}: ${error}`);
  }

  /**
   * Payloads first, then rows, so a row never points at a payload that is not there; the
   * acknowledgement only once both are stored.
   */
  async #commit({ batch, ids, spans, started }: Prepared): Promise<void> {
    if (ids.length === 0) return;
    const writeStarted = Date.now();
    try {
      await this.#o.onStage('after-read', ids);
      const payloads = await this.#sink.writePayloads(batch);
      await this.#o.onStage('after-s3', ids);
      if (payloads) {
        this.stats.blobsStored += payloads.blobsStored;
        this.stats.blobsExisting += payloads.blobsExisting;
      }
      await this.#sink.writeRows(batch);
      await this.#o.onStage('after-clickhouse', ids);
      this.stats.writes++;
      this.stats.writeMillisTotal += Date.now() - writeStarted;
    } catch (err) {
      if (ids.length === 1 && !isOutage(err)) {
        const failure = this.#failures.get(ids[0]!) ?? { attempts: 0, error: '' };
        this.#failures.set(ids[0]!, { attempts: failure.attempts + 1, error: (err as Error).message });
      }
      this.stats.consecutiveFailures++;
      throw err;
    }
    for (const id of ids) this.#failures.delete(id);
    await this.#o.onStage('before-ack', ids);
    await this.#consumer.ack(ids);
    this.stats.consecutiveFailures = 0;
    const s = this.stats;
    s.entries += ids.length;
    s.spans += spans;
    s.runs += batch.runs.length;
    s.steps += batch.steps.length;
    s.decisions += batch.decisions.length;
    s.objects += batch.objects.length;
    s.skipped += batch.skipped.length;
    s.lastBatchMillis = Date.now() - started;
  }

  /**
   * Reads and maps the next batch while the previous one is being written, so decoding overlaps
   * with storage. One write is in flight at a time; when it fails, the batch read meanwhile is
   * dropped unacknowledged too, and both are read again from this consumer's pending entries.
   */
  async #loop(): Promise<void> {
    let failures = 0;
    let writing: Promise<Error | undefined> | undefined;
    // Back-off grows with consecutive failed writes; only a write that completed resets it.
    const settle = async () => {
      if (!writing) return;
      const error = await writing;
      writing = undefined;
      if (error) throw error;
      failures = 0;
    };
    while (this.#running) {
      try {
        await this.#maybeTrim();
        if (this.#consumer.lostConnection()) {
          // Answers lost with the connection left entries pending here: read them again, after
          // the write in flight, so none of its entries is handed out a second time.
          await settle();
          this.#consumer.rewind();
        }
        const entries = await this.#next();
        const prepared = entries.length > 0 ? await this.#prepare(entries) : undefined;
        await settle();
        if (prepared)
          writing = this.#commit(prepared).then(
            () => undefined,
            (err: unknown) => err as Error
          );
        else failures = 0; // caught up and nothing failing: the next outage backs off from the start
      } catch (err) {
        // A read that failed while a write was in flight: let the write finish (or fail) first,
        // so the entries it holds are not read again while it is still writing them.
        const inFlight = await writing;
        writing = undefined;
        failures++;
        this.stats.writeFailures++;
        this.#consumer.rewind();
        const wait = Math.min(30_000, this.#o.retryBaseMillis * 2 ** Math.min(failures - 1, 7));
        const cause =
          inFlight && inFlight !== err
            ? `${(err as Error).message}; and the write in flight: ${inFlight.message}`
            : (err as Error).message;
        this.#o.logger.warn(`batch failed (${cause}); what it held stays pending, retrying in ${wait} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    await settle().catch((err: unknown) =>
      this.#o.logger.warn(`last batch failed (${(err as Error).message}); left pending for redelivery`)
    );
  }

  /** Drops acknowledged entries from the stream now and then; never an unacknowledged one. */
  async #maybeTrim(): Promise<void> {
    if (Date.now() - this.#lastTrim < this.#o.trimEveryMillis) return;
    this.#lastTrim = Date.now();
    this.stats.trimmed += await this.#consumer.trim();
  }
}

interface Prepared {
  batch: WriteBatch;
  /** Entries whose data is in the batch, to acknowledge once it is written. */
  ids: string[];
  spans: number;
  started: number;
}

function appendBatch(into: WriteBatch, from: WriteBatch): void {
  for (const key of ['runs', 'steps', 'decisions', 'pending', 'objects', 'skipped'] as const) {
    for (const item of from[key]) (into[key] as unknown[]).push(item);
  }
  for (const [key, blob] of from.blobs) into.blobs.set(key, blob);
}

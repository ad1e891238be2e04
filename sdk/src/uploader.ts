import type { Agent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { PAYLOAD_UPLOAD_PATH } from '@xray/otel';
import { httpModule, unrefAgent, type HttpModule } from './agent.js';
import type { QueueBudget } from './budget.js';
import type { XRayStats } from './types.js';
import type { Warn } from './warn.js';

/** Settings of {@link PayloadUploader}. */
export interface PayloadUploaderOptions {
  /** The receiver's base URL: a payload goes to `<baseUrl>/v1/payloads/<day>/<sha256>`. */
  baseUrl: string;
  /** Headers of every upload (the ingest key's `authorization`, custom headers). */
  headers: Record<string, string>;
  /** Pending uploads hold their bytes in this budget, shared with (and yielding to) the spans waiting for export. */
  budget: QueueBudget;
  /** An attempt with no progress for this long fails; no retry starts this long after the first attempt. */
  timeoutMillis: number;
  /** Uploads in flight at once. */
  concurrency: number;
  /** How many recent (day, digest) pairs are remembered so a repeated payload is uploaded once. */
  recentDigests: number;
}

/** What became of an offered payload: `queued` or `known` (uploaded or in flight already) keep the reference. */
export type Offer = 'queued' | 'known' | 'queue_full' | 'shutdown';

interface Job {
  key: string;
  body: Buffer;
}

type Answer = { status: number; retryAfterMillis: number | undefined } | { error: unknown };

// The OTLP exporter's retry schedule: 1 s, then x1.5 per attempt up to 5 s, +/- 20% jitter.
const INITIAL_BACKOFF_MILLIS = 1000;
const MAX_BACKOFF_MILLIS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;
/** Answers worth another attempt, as OTLP/HTTP retries them; any other failure is final. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Uploads payloads too large for a span, in the background: `PUT <baseUrl>/v1/payloads/<day>/<sha256>`
 * with the JSON's bytes. At most `concurrency` requests at once; network errors and 429/502/503/504
 * are retried (honouring `Retry-After`) within `timeoutMillis`; a payload that still fails is dropped
 * and counted. Bytes waiting or in flight are held in the shared queue budget, so a slow or dead
 * receiver makes new payloads fall back to markers rather than grow the host's memory. Timers and
 * sockets are unref'd: pending uploads never keep the process alive.
 */
export class PayloadUploader {
  #queue: Job[] = [];
  /** Jobs being uploaded, until finished (by their worker, or by close()). */
  readonly #active = new Set<Job>();
  #bytes = 0;
  #failures = 0;
  #closed = false;
  /** Recently uploaded or in-flight keys, oldest first. */
  readonly #recent = new Set<string>();
  readonly #requests = new Set<ClientRequest>();
  readonly #sleepers = new Map<NodeJS.Timeout, () => void>();
  #idleWaiters: (() => void)[] = [];
  #http: Promise<{ mod: HttpModule; agent: Agent }> | undefined;
  readonly #opts: PayloadUploaderOptions;
  readonly #stats: XRayStats;
  readonly #warn: Warn;

  constructor(opts: PayloadUploaderOptions, stats: XRayStats, warn: Warn) {
    this.#opts = { ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, '') };
    this.#stats = stats;
    this.#warn = warn;
    opts.budget.evictPayloads = (bytes) => this.#evict(bytes);
  }

  /** Payloads waiting or in flight, and their bytes. */
  get pending(): { payloads: number; bytes: number } {
    return { payloads: this.#queue.length + this.#active.size, bytes: this.#bytes };
  }

  /**
   * Queues `body` for upload unless the same (day, digest) was uploaded or is in flight already, or
   * the queue budget has no room for it. Never throws, never waits.
   */
  offer(day: string, sha256: string, body: Buffer): Offer {
    if (this.#closed) return 'shutdown';
    const key = `${day}/${sha256}`;
    if (this.#recent.delete(key)) {
      this.#recent.add(key); // most recent again
      return 'known';
    }
    if (!this.#opts.budget.takeForPayload(body.length)) return 'queue_full';
    this.#recent.add(key);
    if (this.#recent.size > this.#opts.recentDigests) this.#recent.delete(this.#recent.values().next().value!);
    this.#bytes += body.length;
    this.#queue.push({ key, body });
    this.#pump();
    return 'queued';
  }

  /** Resolves when nothing is waiting or in flight: true when no upload failed meanwhile. Never rejects. */
  drain(): Promise<boolean> {
    if (this.#idle()) return Promise.resolve(true);
    const failures = this.#failures;
    return new Promise((resolve) => this.#idleWaiters.push(() => resolve(this.#failures === failures)));
  }

  /** Stops uploading: drops what waits or is in flight (counted), aborts the requests. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const job of [...this.#queue.splice(0), ...this.#active]) this.#finish(job, 'the client shut down first');
    for (const request of this.#requests) request.destroy(new Error('X-Ray client shut down'));
    for (const [timer, wake] of this.#sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.#sleepers.clear();
    this.#notifyIfIdle();
    void this.#http?.then(({ agent }) => agent.destroy()).catch(() => {}); // kept-alive sockets too
  }

  /** Drops waiting payloads, newest first, until `bytes` are freed or none waits: spans need the room. */
  #evict(bytes: number): void {
    let freed = 0;
    while (freed < bytes && this.#queue.length > 0) {
      const job = this.#queue.pop()!;
      freed += job.body.length;
      this.#finish(job, 'dropped before upload to make room for spans');
    }
    this.#notifyIfIdle();
  }

  #pump(): void {
    while (this.#active.size < this.#opts.concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#active.add(job);
      void this.#deliver(job)
        .catch((err: unknown) => `internal error: ${String(err)}`)
        .then((failure) => {
          if (this.#active.has(job)) this.#finish(job, failure); // unless close() already did
          this.#pump();
          this.#notifyIfIdle();
        });
    }
  }

  /** Sends one payload, retrying what is worth it; resolves to undefined on success, else why it failed. */
  async #deliver(job: Job): Promise<string | undefined> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) return 'the client shut down first';
      const answer = await this.#attempt(job);
      if ('status' in answer && answer.status >= 200 && answer.status < 300) return undefined;
      const why = 'status' in answer ? `HTTP ${answer.status}` : errorMessage(answer.error);
      if (this.#closed || ('status' in answer && !RETRYABLE_STATUSES.has(answer.status))) return why;
      const delay = ('status' in answer ? answer.retryAfterMillis : undefined) ?? backoffMillis(attempt);
      if (Date.now() + delay - started > this.#opts.timeoutMillis) return `${why}, retries exhausted`;
      await this.#sleep(delay);
    }
  }

  /** One PUT; resolves with the status (the body is discarded) or the network error. */
  async #attempt(job: Job): Promise<Answer> {
    const url = new URL(`${this.#opts.baseUrl}${PAYLOAD_UPLOAD_PATH}/${job.key}`);
    const { mod, agent } = await (this.#http ??= httpModule(url.protocol).then((m) => ({
      mod: m,
      agent: unrefAgent(m, { maxSockets: this.#opts.concurrency }),
    })));
    if (this.#closed) return { error: new Error('X-Ray client shut down') };
    return new Promise<Answer>((resolve) => {
      const headers = {
        ...this.#opts.headers,
        'content-type': 'application/json',
        'content-length': String(job.body.length),
      };
      // Like the OTLP exporter: the user's http instrumentation must not trace X-Ray's own requests.
      const request = context.with(suppressTracing(context.active()), () =>
        mod.request(url, { method: 'PUT', agent, headers })
      );
      this.#requests.add(request);
      const done = (answer: Answer): void => {
        this.#requests.delete(request);
        resolve(answer);
      };
      request.setTimeout(this.#opts.timeoutMillis, () =>
        request.destroy(new Error(`no progress for ${this.#opts.timeoutMillis} ms`))
      );
      request.on('error', (error) => done({ error }));
      request.on('close', () => done({ error: new Error('connection closed before an answer') }));
      request.on('response', (response) => {
        response.resume(); // the answer's body is not needed; reading it frees the socket
        response.on('error', () => {});
        done({ status: response.statusCode ?? 0, retryAfterMillis: retryAfterMillis(response.headers) });
      });
      request.end(job.body);
    });
  }

  #sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleepers.delete(timer);
        resolve();
      }, millis);
      timer.unref();
      this.#sleepers.set(timer, resolve);
    });
  }

  #finish(job: Job, failure: string | undefined): void {
    this.#active.delete(job);
    this.#bytes -= job.body.length;
    this.#opts.budget.release(job.body.length);
    if (failure === undefined) {
      this.#stats.uploadedPayloads++;
      this.#stats.uploadedPayloadBytes += job.body.length;
      return;
    }
    this.#failures++;
    this.#stats.droppedPayloads++;
    this.#recent.delete(job.key); // the next occurrence of this payload may try again
    this.#warn(
      'payload_upload',
      `a payload upload failed (${failure}) and was dropped; its span keeps the reference, the payload will be missing`
    );
  }

  #idle(): boolean {
    return this.#active.size === 0 && this.#queue.length === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#idle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function backoffMillis(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MILLIS, INITIAL_BACKOFF_MILLIS * BACKOFF_MULTIPLIER ** (attempt - 1));
  return Math.round(base * (1 - JITTER + 2 * JITTER * Math.random()));
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMillis(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'network error';
  }
}

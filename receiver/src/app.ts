/**
 * The receiver's HTTP app: OTLP/HTTP trace exports in, one queue message per accepted request out.
 * Status codes follow the OTLP/HTTP specification (opentelemetry-proto docs/specification.md).
 */
import { QUEUE_MESSAGE_VERSION } from '@xray/core/ingest';
import {
  OTLP_CONTENT_TYPES,
  RpcCodes,
  checkOtlp,
  encodeExportResponse,
  encodeStatus,
  rejectionMessage,
  type OtlpFormat,
} from '@xray/core/otlp';
import { byLabel, createOpsApp, type MetricFamily } from '@xray/core/service';
import type { Authenticator } from '@xray/auth';
import { Hono } from 'hono';
import { admit, type Tenant } from './admit.js';
import { type BodyResult, gunzipLimited, readLimited, tooLargeMessage } from './body.js';
import { silentLogger, type Logger } from './logger.js';
import {
  type PayloadStats,
  type PayloadUploads,
  emptyPayloadStats,
  payloadMetrics,
  payloadRoutes,
} from './payload-route.js';
import type { SpanQueue } from './queue.js';
import type { RateLimiter } from './rate-limit.js';

/** What the app needs from the outside world; main.ts wires the real ones. */
export interface ReceiverDeps {
  queue: SpanQueue;
  /** Checks the request's ingest key; the key's project is the project of every span it sends. */
  authenticate: Authenticator;
  /** Per-key spans/s and bytes/s. */
  rateLimiter: RateLimiter;
  /** Largest body accepted, in bytes, counted after decompression (config default: 20 MiB). */
  maxBodyBytes: number;
  /** `PUT /v1/payloads/{day}/{sha256}`: its S3 store and limits (without them the route is not served). */
  payloads?: PayloadUploads;
  logger?: Logger;
  /** Clock for `receivedAt` and payload days, in ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** Running totals since start, served at /metrics. Spans count only in 200 answers. */
export interface ReceiverStats {
  /** X-Ray spans enqueued. */
  acceptedSpans: number;
  /** X-Ray spans refused one by one (reported in partial_success). */
  rejectedSpans: number;
  /** Spans without `xray.span.kind`, dropped. */
  ignoredSpans: number;
  /** Answers to /v1/traces by HTTP status, e.g. `{ "200": 10, "503": 1 }`. */
  requests: Record<string, number>;
}

/** The app and its counters. */
export interface Receiver {
  app: Hono;
  stats: ReceiverStats;
  /** Counters of the payload upload route (zero when it is not served). */
  payloadStats: PayloadStats;
}

/**
 * Builds the receiver app: `POST /v1/traces` (OTLP/HTTP, protobuf or JSON), `PUT /v1/payloads/{day}/{sha256}`
 * (with `deps.payloads`), and `/healthz`, `/readyz`, `/metrics`.
 */
export function createApp(deps: ReceiverDeps): Receiver {
  const stats: ReceiverStats = { acceptedSpans: 0, rejectedSpans: 0, ignoredSpans: 0, requests: {} };
  const exportTraces = createExportHandler(deps, stats);
  const payloads = deps.payloads ? payloadRoutes({ ...deps, uploads: deps.payloads }) : undefined;
  const payloadStats = payloads?.stats ?? emptyPayloadStats();
  const app = new Hono();
  app.route(
    '/',
    createOpsApp({
      checks: { redis: () => deps.queue.ready() },
      metrics: () => [...receiverMetrics(stats), ...payloadMetrics(payloadStats)],
    })
  );
  if (payloads) app.route('/', payloads.app);
  app.use('/v1/traces', async (c, next) => {
    await next();
    const status = String(c.res.status);
    stats.requests[status] = (stats.requests[status] ?? 0) + 1;
  });
  app.post('/v1/traces', async (c) => {
    const req = c.req.raw;
    // Credentials and quota are checked before a byte of the body is read.
    const admitted = await admit(req, deps, deps.maxBodyBytes);
    if (!admitted.ok) {
      const res = refuse(req, admitted.status, REFUSAL_RPC_CODES[admitted.status], admitted.message);
      for (const [name, value] of Object.entries(admitted.headers)) res.headers.set(name, value);
      return res;
    }
    return exportTraces(req, admitted.tenant);
  });
  app.all('/v1/traces', () => text(405, 'Use POST to send traces to /v1/traces.', { allow: 'POST' }));
  app.onError((err) => {
    (deps.logger ?? silentLogger).error(`unexpected error: ${err.stack ?? err.message}`);
    return text(500, 'The receiver failed unexpectedly; the error is in its log.');
  });
  return { app, stats, payloadStats };
}

const REFUSAL_RPC_CODES = {
  401: RpcCodes.UNAUTHENTICATED,
  403: RpcCodes.PERMISSION_DENIED,
  429: RpcCodes.RESOURCE_EXHAUSTED,
  503: RpcCodes.UNAVAILABLE,
} as const;

function createExportHandler(
  deps: ReceiverDeps,
  stats: ReceiverStats
): (req: Request, tenant: Tenant) => Promise<Response> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const limit = deps.maxBodyBytes;
  let queueDown = false; // log the start and end of an outage, not every failed request

  return async (req, tenant) => {
    const format = formatOf(req.headers.get('content-type'));
    if (format === undefined) {
      return text(
        415,
        `Unsupported content type "${req.headers.get('content-type') ?? ''}"; send application/x-protobuf or application/json.`
      );
    }
    const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
      return status(
        format,
        415,
        RpcCodes.INVALID_ARGUMENT,
        `Unsupported content encoding "${encoding}"; send gzip or identity.`
      );
    }
    // A declared length over the limit is refused before a byte is read.
    const declared = Number(req.headers.get('content-length') ?? -1);
    if (declared > limit) return tooLarge(format, tooLargeMessage(limit));

    // Within a declared length (Node's HTTP parser reads no more than it) the body is read whole,
    // which @hono/node-server does straight from the socket, far cheaper than through a stream.
    let body: BodyResult =
      declared >= 0 ? { ok: true, bytes: new Uint8Array(await req.arrayBuffer()) } : await readLimited(req.body, limit);
    if (body.ok && encoding === 'gzip') body = await gunzipLimited(body.bytes, limit);
    if (!body.ok) {
      if (body.reason === 'too_large') return tooLarge(format, body.message);
      return status(format, 400, RpcCodes.INVALID_ARGUMENT, body.message);
    }
    const { bytes } = body;

    // Checked, not decoded: the body itself is enqueued, and the processor's decode of the same
    // bytes keeps exactly the spans accepted here (see core/src/ingest/queue.ts).
    const checked = checkOtlp(format, bytes);
    tenant.charge(checked.ok ? checked.value.acceptedSpans : 0, bytes.length);
    if (!checked.ok) {
      return status(format, 400, RpcCodes.INVALID_ARGUMENT, `Could not decode the request: ${checked.error}.`);
    }
    const { acceptedSpans, rejected, ignoredSpans } = checked.value;
    if (acceptedSpans > 0) {
      try {
        await deps.queue.enqueue({
          v: QUEUE_MESSAGE_VERSION,
          projectId: tenant.projectId,
          receivedAt: now(),
          format,
          acceptedSpans,
          body: bytes,
        });
        if (queueDown) logger.info('span queue available again');
        queueDown = false;
      } catch (err) {
        if (!queueDown)
          logger.warn(`span queue unavailable (${(err as Error).message}); answering 503 until it is back`);
        queueDown = true;
        const res = status(format, 503, RpcCodes.UNAVAILABLE, 'The span queue is unavailable; retry shortly.');
        res.headers.set('retry-after', '1');
        return res;
      }
    }
    stats.acceptedSpans += acceptedSpans;
    stats.rejectedSpans += rejected.length;
    stats.ignoredSpans += ignoredSpans;
    const partial =
      rejected.length > 0 ? { rejectedSpans: rejected.length, errorMessage: rejectionMessage(rejected) } : undefined;
    return respond(format, 200, encodeExportResponse(format, partial));
  };
}

/** The OTLP encoding named by a Content-Type header, ignoring parameters such as charset. */
function formatOf(contentType: string | null): OtlpFormat | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (type === OTLP_CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === OTLP_CONTENT_TYPES.json) return 'json';
  return undefined;
}

/**
 * An answer given before a byte of the body is read, in the request's encoding when it has a known
 * one. The connection stays open: once the answer is sent, @hono/node-server reads and discards
 * the unread body (up to 64 MiB within 500 ms, then closes), so the client reads the answer instead
 * of a broken pipe in mid-upload, which exporters would retry.
 */
function refuse(req: Request, httpStatus: number, code: number, message: string): Response {
  const format = formatOf(req.headers.get('content-type'));
  return format ? status(format, httpStatus, code, message) : text(httpStatus, message);
}

function tooLarge(format: OtlpFormat, message: string): Response {
  const res = status(format, 413, RpcCodes.INVALID_ARGUMENT, message);
  // The rest of the body is not read: close the connection rather than leave it half-consumed.
  res.headers.set('connection', 'close');
  return res;
}

function status(format: OtlpFormat, httpStatus: number, code: number, message: string): Response {
  return respond(format, httpStatus, encodeStatus(format, code, message));
}

function respond(format: OtlpFormat, httpStatus: number, body: Uint8Array | string): Response {
  return new Response(body, { status: httpStatus, headers: { 'content-type': OTLP_CONTENT_TYPES[format] } });
}

function text(httpStatus: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, {
    status: httpStatus,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

function receiverMetrics(stats: ReceiverStats): MetricFamily[] {
  return [
    {
      name: 'xray_receiver_requests_total',
      help: 'Answers to POST /v1/traces, by HTTP status.',
      type: 'counter',
      samples: byLabel('status', stats.requests),
    },
    {
      name: 'xray_receiver_spans_accepted_total',
      help: 'X-Ray spans accepted and enqueued.',
      type: 'counter',
      samples: [{ value: stats.acceptedSpans }],
    },
    {
      name: 'xray_receiver_spans_rejected_total',
      help: 'X-Ray spans rejected (partial success).',
      type: 'counter',
      samples: [{ value: stats.rejectedSpans }],
    },
    {
      name: 'xray_receiver_spans_ignored_total',
      help: 'Spans without X-Ray attributes, accepted and dropped.',
      type: 'counter',
      samples: [{ value: stats.ignoredSpans }],
    },
  ];
}

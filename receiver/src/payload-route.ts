/**
 * `PUT /v1/payloads/{day}/{sha256}`: one payload too large to ride in its span, uploaded beside it
 * (see `@xray/otel`'s payload references). The key decides the project; the URL only names the
 * bytes, which must hash to it. Stored once per project and day, at `blobKey(project, ref)`.
 */
import type { Authenticator } from '@xray/auth';
import { byLabel, classifyOutage, silentLogger, type Logger, type MetricFamily } from '@xray/core/service';
import { blobKey } from '@xray/core/storage';
import { PAYLOAD_UPLOAD_PATH, formatPayloadRef, isPayloadDay, isSha256, payloadDay } from '@xray/otel';
import { Hono } from 'hono';
import { admit } from './admit.js';
import { digestBody, payloadTooLargeMessage } from './payload-body.js';
import type { PayloadStore } from './payload-store.js';
import type { RateLimiter } from './rate-limit.js';
import { RefusalLog } from './refusal-log.js';

/** The upload route's settings and its store. */
export interface PayloadUploads {
  store: PayloadStore;
  /** XRAY_MAX_PAYLOAD_BYTES: largest payload, counted after decompression. */
  maxBytes: number;
  /** XRAY_PAYLOAD_UPLOADS: uploads in flight at once; more are answered 503. */
  maxInFlight: number;
}

export interface PayloadRouteDeps {
  authenticate: Authenticator;
  rateLimiter: RateLimiter;
  uploads: PayloadUploads;
  logger?: Logger;
  /** Clock in ms since the epoch, for the days an upload may name. Default Date.now. */
  now?: () => number;
}

/** Running totals since start, served at /metrics. */
export interface PayloadStats {
  /** Uploads by result: `stored` (201), `existing` (200, already in S3), `refused` (any other answer). */
  uploads: { stored: number; existing: number; refused: number };
  /** Answers by HTTP status. */
  requests: Record<string, number>;
  /** Payload bytes stored (the JSON, before compression), and what they took in S3. */
  bytesStored: number;
  compressedBytesStored: number;
  /** Uploads being read or stored now. */
  inFlight: number;
}

/** Counters before the first upload. */
export function emptyPayloadStats(): PayloadStats {
  return {
    uploads: { stored: 0, existing: 0, refused: 0 },
    requests: {},
    bytesStored: 0,
    compressedBytesStored: 0,
    inFlight: 0,
  };
}

const DAY_MILLIS = 86_400_000;
/** Days before and after today (UTC) an upload may name: a day's uploads straddle midnight, and clocks drift. */
const DAYS_BEFORE = 2;
const DAYS_AFTER = 1;
/** Seconds a client waits before retrying while S3 is down. */
const S3_RETRY_AFTER_SECONDS = 1;
const CLOSE = { connection: 'close' };

export function payloadRoutes(deps: PayloadRouteDeps): { app: Hono; stats: PayloadStats } {
  const { store, maxBytes, maxInFlight } = deps.uploads;
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const refusals = new RefusalLog(logger, now);
  const stats = emptyPayloadStats();
  let s3Down = false; // log the start and end of an outage, not every refused upload

  /** A refusal: logged by class (not one line per request), answered with a sentence. */
  const refuse = (
    status: number,
    refusal: string,
    message: string,
    o: { headers?: Record<string, string>; project?: string } = {}
  ) => {
    refusals.note(refusal, `payload upload refused: ${message}`, { status, project: o.project });
    return text(status, message, o.headers);
  };
  /** S3 failed: 503 while it is down (nothing was stored), 500 when it refused the request itself. */
  const s3Failed = (err: unknown, project: string) => {
    const outage = classifyOutage(err);
    if (outage === undefined) {
      const { name, message } = err as Error;
      refusals.note('s3_error', `S3 refused a payload upload (${name}): ${message}`, { status: 500, project });
      return text(500, 'S3 refused to store the payload; the error is in the receiver log.');
    }
    if (!s3Down) logger.warn(`S3 ${outage} (${(err as Error).message}); payload uploads answer 503 until it is back`);
    s3Down = true;
    return text(503, 'Payload storage (S3) is unavailable; nothing was stored: retry shortly.', {
      'retry-after': String(S3_RETRY_AFTER_SECONDS),
    });
  };
  const s3Answered = () => {
    if (s3Down) logger.info('S3 available again; payload uploads are stored');
    s3Down = false;
  };

  const app = new Hono();
  const path = `${PAYLOAD_UPLOAD_PATH}/:day/:sha256`;
  app.use(path, async (c, next) => {
    await next();
    const status = c.res.status;
    stats.requests[status] = (stats.requests[status] ?? 0) + 1;
    if (status === 201) stats.uploads.stored++;
    else if (status === 200) stats.uploads.existing++;
    else stats.uploads.refused++;
  });
  app.put(path, async (c) => {
    const req = c.req.raw;
    const admitted = await admit(req, deps, maxBytes);
    if (!admitted.ok)
      return refuse(admitted.status, `key_${admitted.status}`, admitted.message, { headers: admitted.headers });
    const { tenant } = admitted;
    const project = tenant.projectId;
    const day = c.req.param('day');
    const sha256 = c.req.param('sha256');
    const badRef = checkRef(day, sha256, now());
    if (badRef) return refuse(400, 'bad_ref', badRef, { project });
    const type = req.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
    if (type && type !== 'application/json')
      return refuse(415, 'content_type', `Unsupported content type "${type}"; send the payload as application/json.`, {
        project,
      });
    const encoding = (req.headers.get('content-encoding') ?? '').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip')
      return refuse(415, 'content_encoding', `Unsupported content encoding "${encoding}"; send gzip or identity.`, {
        project,
      });
    // A declared length over the limit is refused before a byte is read; the rest is not read.
    const declared = Number(req.headers.get('content-length') ?? -1);
    if (declared > maxBytes)
      return refuse(413, 'too_large', payloadTooLargeMessage(maxBytes), { headers: CLOSE, project });
    if (stats.inFlight >= maxInFlight) {
      const message = `This receiver is already taking ${maxInFlight} payload uploads (XRAY_PAYLOAD_UPLOADS); retry in a second.`;
      return refuse(503, 'busy', message, { headers: { 'retry-after': '1' }, project });
    }

    stats.inFlight++;
    try {
      // The project is the key's: a project writes under its own prefix only.
      const key = blobKey(project, { day, sha256 });
      let exists: boolean;
      try {
        exists = await store.exists(key);
      } catch (err) {
        return s3Failed(err, project);
      }
      // Read whole even when S3 has it: the bytes are checked, and the connection stays usable.
      const body = await digestBody(req.body, {
        maxBytes,
        gzip: encoding === 'gzip',
        compress: !exists,
        sizeHint: declared > 0 ? declared : undefined,
      });
      if (!body.ok) {
        // The rest of a body over the limit is not read: close the connection rather than leave it half-read.
        if (body.reason === 'too_large') return refuse(413, 'too_large', body.message, { headers: CLOSE, project });
        return refuse(400, body.reason, body.message, { project });
      }
      tenant.charge(0, body.bytes);
      if (body.sha256 !== sha256) {
        const message = `The body's SHA-256 is ${body.sha256}; the URL names ${sha256}: upload the exact bytes the reference names.`;
        return refuse(422, 'sha256_mismatch', message, { project });
      }
      const ref = formatPayloadRef({ day, sha256, bytes: body.bytes });
      if (!exists) {
        try {
          await store.put(key, body.compressed, body.bytes);
        } catch (err) {
          return s3Failed(err, project);
        }
        stats.bytesStored += body.bytes;
        stats.compressedBytesStored += body.compressed.length;
      }
      s3Answered();
      return c.json({ ref, stored: !exists }, exists ? 200 : 201);
    } finally {
      stats.inFlight--;
    }
  });
  app.all(path, () =>
    text(405, `Use PUT to upload a payload to ${PAYLOAD_UPLOAD_PATH}/{day}/{sha256}.`, { allow: 'PUT' })
  );
  return { app, stats };
}

/** Why `day` and `sha256` cannot name a payload uploaded at `nowMillis`, or undefined when they can. */
export function checkRef(day: string, sha256: string, nowMillis: number): string | undefined {
  if (!isPayloadDay(day))
    return `"${day}" is not a day written YYYY-MM-DD; put the day of the payload's reference in the URL.`;
  const first = payloadDay(nowMillis - DAYS_BEFORE * DAY_MILLIS);
  const last = payloadDay(nowMillis + DAYS_AFTER * DAY_MILLIS);
  if (day < first || day > last) {
    return (
      `The day ${day} is outside the days this receiver takes now (${first} to ${last}, UTC): ` +
      `upload a payload when it is captured, and check the sender's clock.`
    );
  }
  if (!isSha256(sha256))
    return `"${sha256}" is not a SHA-256: expected 64 lowercase hex digits, as in the payload's reference.`;
  return undefined;
}

function text(httpStatus: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, {
    status: httpStatus,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

export function payloadMetrics(stats: PayloadStats): MetricFamily[] {
  return [
    {
      name: 'xray_receiver_payload_uploads_total',
      help: 'Payload uploads by result: stored, existing (already in S3), refused.',
      type: 'counter',
      samples: byLabel('result', stats.uploads),
    },
    {
      name: 'xray_receiver_payload_requests_total',
      help: 'Answers to PUT /v1/payloads/{day}/{sha256}, by HTTP status.',
      type: 'counter',
      samples: byLabel('status', stats.requests),
    },
    {
      name: 'xray_receiver_payload_stored_bytes_total',
      help: 'Payload bytes stored in S3, as uploaded (JSON, before compression).',
      type: 'counter',
      samples: [{ value: stats.bytesStored }],
    },
    {
      name: 'xray_receiver_payload_stored_compressed_bytes_total',
      help: 'Bytes written to S3 for stored payloads (compressed).',
      type: 'counter',
      samples: [{ value: stats.compressedBytesStored }],
    },
    {
      name: 'xray_receiver_payload_uploads_in_flight',
      help: 'Payload uploads being read or stored now.',
      type: 'gauge',
      samples: [{ value: stats.inFlight }],
    },
  ];
}

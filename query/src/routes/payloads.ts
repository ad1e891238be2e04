/** Values stored by reference: `GET /v1/payloads/{day}/{sha256}` streams one whole, or a byte range of it. */
import type { Readable } from 'node:stream';
import { createRoute } from '@hono/zod-openapi';
import { expiredPayloadsMessage, MISSING_PAYLOAD_MESSAGE } from '@xray/core/api';
import { blobKey, dayExpired } from '@xray/core/storage';
import { isPayloadDay } from '@xray/otel';
import type { Context } from 'hono';
import { z } from 'zod';
import { errors, routeApp } from '../contract.js';
import { errorJson, gone, notFound, type QueryStores } from '../http.js';
import { hexId, pathParam } from '../params.js';
import { DAY_PATTERN } from '../times.js';

/** Header naming the SHA-256 of the whole value's JSON (the path's, lowercase). */
export const SHA256_HEADER = 'x-xray-sha256';

const day = pathParam(
  'the UTC day the value was captured, YYYY-MM-DD (the day of its reference): a calendar day, so the pattern takes months 01-12 and only the days each has (02-29 in leap years only); an impossible day such as 2026-02-30 is refused with 400 invalid_parameter',
  { type: 'string', pattern: DAY_PATTERN, examples: ['2026-11-01'] },
  (raw) => (isPayloadDay(raw) ? raw : undefined),
  (raw) => `day must be a calendar day written YYYY-MM-DD (such as 2026-11-01), got ${JSON.stringify(raw)}`
);

const document = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: z.unknown().describe("The value's JSON exactly as the SDK serialised it: any JSON value."),
    },
  },
});

const download = createRoute({
  method: 'get',
  path: '/payloads/{day}/{sha256}',
  operationId: 'getPayload',
  summary: "A value stored by reference, whole: its JSON as the SDK sent it (a payload's `download` path)",
  description:
    "Streams the value's JSON, decompressed; Content-Length is its size and x-xray-sha256 its SHA-256. A project reads only its own values: another project's digest is 404. A day past the project's retention is 410, whether or not its objects are removed yet. `Range: bytes=a-b` (also `a-` and `-n`) answers 206 with those bytes of the JSON; a malformed or multiple range is ignored (200).",
  request: {
    params: z.object({ day, sha256: hexId('sha256', 64, "SHA-256 of the value's JSON") }),
    headers: z.object({
      range: z.string().optional().meta({ description: 'bytes=a-b, bytes=a- or bytes=-n: part of the JSON (206)' }),
    }),
  },
  responses: {
    200: document('The whole JSON'),
    206: document('The requested bytes of the JSON'),
    ...errors(404, 410, 416),
  },
});

/** Bytes `start` to `end` of a value, both included. */
export type ByteRange = { start: number; end: number };

/**
 * The range a `Range` header asks of a value of `total` bytes: `undefined` to answer the whole (no
 * header, a malformed or multiple range, or a value whose size is not recorded), 'unsatisfiable'
 * when it starts past the end.
 */
export function parseRange(
  header: string | undefined,
  total: number | undefined
): ByteRange | 'unsatisfiable' | undefined {
  const m = header === undefined || total === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || total === undefined || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || total === 0 ? 'unsatisfiable' : { start: Math.max(0, total - suffix), end: total - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? total - 1 : Number(m[2]);
  if (start >= total) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end: Math.min(end, total - 1) };
}

/** The bytes `start` to `end` (inclusive) of a stream; stops reading it after them. */
async function* slice(body: Readable, start: number, end: number): AsyncGenerator<Uint8Array> {
  let position = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const from = Math.max(0, start - position);
    const to = Math.min(chunk.length, end + 1 - position);
    position += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    if (position > end) return;
  }
}

/** An async iterable as a web stream (what a Response takes); cancelling it stops the source. */
function webStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/**
 * A streamed answer. The route declares its body as JSON (what a client receives), which Hono types
 * as a value the handler builds with `c.json`; these bytes come from storage as they are, hence the cast.
 */
function streamed(
  c: Context,
  body: ReadableStream<Uint8Array> | null,
  status: 200 | 206,
  headers: Record<string, string>
) {
  return (body ? c.body(body, status, headers) : c.body(null, status, headers)) as never;
}

export function payloadRoutes({ payloads, retention }: QueryStores) {
  const app = routeApp();

  app.openapi(download, async (c) => {
    const { day, sha256: digest } = c.req.valid('param');
    // Expired is expired, whether or not the janitor has removed the day's objects yet.
    const { days } = await retention(c.var.projectId);
    if (dayExpired(day, days, Date.now())) return gone(c, expiredPayloadsMessage(day, days));
    const stored = await payloads.value(blobKey(c.var.projectId, { day, sha256: digest }));
    if (!stored)
      return notFound(
        c,
        `No payload ${day}/${digest} in this project. ${MISSING_PAYLOAD_MESSAGE} A payload belongs to the project that sent it.`
      );
    const total = stored.bytes;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'accept-ranges': 'bytes',
      [SHA256_HEADER]: digest,
    };
    const range = parseRange(c.req.header('range'), total);
    if (range === 'unsatisfiable') {
      stored.body.destroy();
      c.header('content-range', `bytes */${total}`);
      return errorJson(
        c,
        416,
        'range_not_satisfiable',
        `The range starts past the end of the payload (${total} bytes).`
      );
    }
    if (!range) {
      if (total !== undefined) headers['content-length'] = String(total);
      if (c.req.method === 'HEAD') {
        // Hono answers HEAD with the GET route, dropping the body: never start reading it.
        stored.body.destroy();
        return streamed(c, null, 200, headers);
      }
      return streamed(c, webStream(stored.body as AsyncIterable<Uint8Array>), 200, headers);
    }
    headers['content-range'] = `bytes ${range.start}-${range.end}/${total}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return streamed(c, webStream(slice(stored.body, range.start, range.end)), 206, headers);
  });

  return app;
}

import { request } from 'node:http';
import { createGzip } from 'node:zlib';

/** A gzip body that inflates to `inflatedBytes` of zeros (1 GiB gives about 1 MB). */
export async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1 << 20);
  for (let sent = 0; sent < inflatedBytes; sent += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(parts);
}

export interface UploadResult {
  /** HTTP status, 0 when no answer came. */
  status: number;
  /** Bytes handed to the socket before the answer (or the connection's end). */
  sentBytes: number;
  millis: number;
}

/**
 * POSTs up to `maxBytes` without a Content-Length (chunked), as fast as the server reads, and stops
 * as soon as it answers: how much did the server take in before refusing?
 */
export function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  maxBytes: number,
  timeoutMillis = 20_000
): Promise<UploadResult> {
  return upload(url, headers, timeoutMillis, (req, done) => {
    const chunk = Buffer.alloc(64 * 1024, 0x0a);
    let sent = 0;
    const pump = () => {
      while (!done() && sent < maxBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!done()) req.end();
    };
    pump();
    return () => sent;
  });
}

/** Declares a `declaredBytes` Content-Length and sends nothing: the answer must not wait for the body. */
export function declaredUpload(
  url: string,
  headers: Record<string, string>,
  declaredBytes: number,
  timeoutMillis = 10_000
): Promise<UploadResult> {
  return upload(url, { ...headers, 'content-length': String(declaredBytes) }, timeoutMillis, (req) => {
    req.flushHeaders();
    return () => 0;
  });
}

type Writer = (req: ReturnType<typeof request>, done: () => boolean) => () => number;

const ANSWER_GRACE_MILLIS = 500;

function upload(
  url: string,
  headers: Record<string, string>,
  timeoutMillis: number,
  write: Writer
): Promise<UploadResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const req = request(url, { method: 'POST', headers });
    let status = 0;
    let finished = false;
    let sentBytes: () => number = () => 0;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, sentBytes: sentBytes(), millis: Date.now() - started });
    };
    const timer = setTimeout(finish, timeoutMillis);
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', finish);
    });
    // A server that refuses mid-body answers, then closes: the client's next write may fail before
    // the answer already on the socket is read. Give the answer a moment to surface before giving up.
    req.on('error', () => setTimeout(finish, ANSWER_GRACE_MILLIS));
    sentBytes = write(req, () => finished || status !== 0);
  });
}

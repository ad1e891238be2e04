/**
 * The query API's HTTP server: Node's, with room for the longest request the contract allows, and
 * requests past that answered as every other error is (`{"error":{"code","message"}}`).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import type { ErrorResponse } from '@xray/core/api';

/**
 * The most bytes a request's line and headers may take. Node's default (16 KiB) is less than the
 * parameters the contract allows: a `reason` filter of 16,384 characters is up to 147 KiB
 * percent-encoded (9 bytes for a 3-byte UTF-8 character), beside the other filters and the key.
 */
export const MAX_REQUEST_HEAD_BYTES = 256 * 1024;

/** The body of the 431 answer to a request whose line and headers are past {@link MAX_REQUEST_HEAD_BYTES}. */
export const TOO_LARGE_BODY = JSON.stringify({
  error: {
    code: 'request_too_large',
    message: `The request's URL and headers take more than ${MAX_REQUEST_HEAD_BYTES} bytes; shorten its parameters (GET /openapi.json gives each one's limit).`,
  },
} satisfies ErrorResponse);

/**
 * Answers a request Node could not parse: 431 with the error shape when its head is too large, 400
 * otherwise (Node's own answers have no body). The connection closes after it.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = tooLarge
    ? TOO_LARGE_BODY
    : JSON.stringify({
        error: { code: 'invalid_request', message: 'The request is not valid HTTP/1.1.' },
      } satisfies ErrorResponse);
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** Serves `app` on `hostname:port`; resolves once it listens. */
export function serveQuery(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port: number,
  hostname: string
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port, hostname, serverOptions: { maxHeaderSize: MAX_REQUEST_HEAD_BYTES } },
      (info) => resolve({ server, port: info.port })
    );
    (server as Server).on('clientError', answerClientError);
    server.once('error', (err: Error) => reject(new Error(`cannot listen on ${hostname}:${port}: ${err.message}`)));
  });
}

#!/usr/bin/env node
/**
 * The receiver process: the only place that reads the environment and wires real clients.
 * Stops cleanly on SIGTERM/SIGINT: no new requests, in-flight ones finish (for up to 5 s), then
 * Redis and the S3 client close.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createAuthenticator, openKeyStore } from '@xray/auth';
import { runService } from '@xray/core/service';
import { createApp } from './app.js';
import { parseConfig } from './config.js';
import { S3PayloadStore } from './payload-store.js';
import { createRedisSpanQueue } from './queue.js';
import { createRateLimiter } from './rate-limit.js';

/** Longest a shutdown waits for in-flight requests before dropping their connections. */
const SHUTDOWN_GRACE_MILLIS = 5000;

await runService('receiver', async (logger) => {
  const config = parseConfig(process.env);
  const queue = createRedisSpanQueue({ url: config.redisUrl, stream: config.stream, logger });
  // Not fatal: requests are answered 503 until Redis is reachable. Waiting a moment avoids
  // refusing the first requests of a stack that starts Redis and the receiver together.
  await queue.waitUntilReady(2000);
  const keys = openKeyStore(config.authStore, config.redisUrl);
  const authenticate = createAuthenticator(keys, { kind: 'ingest', cacheMillis: config.authCacheMillis });
  const { burstSeconds, ...defaults } = config.rateLimits;
  const rateLimiter = createRateLimiter({ defaults, burstSeconds });
  // Payload uploads go to S3. Not awaited, and not fatal: traces are taken at once whatever S3
  // does; while S3 is down uploads are answered 503, and the next upload makes sure of the bucket.
  const store = new S3PayloadStore(config.s3);
  store.ensureBucket().catch((err: Error) => {
    logger.warn(`S3 unavailable at start (${err.message}); payload uploads answer 503 until it is back`, {
      bucket: config.s3.bucket,
    });
  });
  const payloads = { store, maxBytes: config.maxPayloadBytes, maxInFlight: config.payloadUploads };
  const { app } = createApp({
    queue,
    authenticate,
    rateLimiter,
    maxBodyBytes: config.maxBodyBytes,
    payloads,
    logger,
  });

  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
      logger.info(`listening on http://${host}:${info.port}`, {
        stream: config.stream,
        keys: keys.description,
        bucket: config.s3.bucket,
      });
      resolve(s);
    });
    s.once('error', (err: Error) => reject(new Error(`cannot listen on ${host}:${config.port}: ${err.message}`)));
  });

  return {
    async stop() {
      setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, SHUTDOWN_GRACE_MILLIS).unref();
      // Redis and S3 close after the server: in-flight requests still need them.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      await Promise.allSettled([queue.close(), keys.close()]);
    },
  };
});

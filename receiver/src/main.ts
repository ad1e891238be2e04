#!/usr/bin/env node
/**
 * The receiver process: the only place that reads the environment and wires real clients.
 * Stops cleanly on SIGTERM/SIGINT: no new requests, in-flight ones finish, then Redis closes.
 */
import { serve } from '@hono/node-server';
import { createAuthenticator, openKeyStore } from '@xray/auth';
import { createApp } from './app.js';
import { ConfigError, parseConfig, type ReceiverConfig } from './config.js';
import { createRedisSpanQueue } from './queue.js';
import { createRateLimiter } from './rate-limit.js';

/** Longest a shutdown waits for in-flight requests before dropping their connections. */
const SHUTDOWN_GRACE_MILLIS = 5000;

function loadConfig(): ReceiverConfig {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`receiver: invalid configuration: ${err.message}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = console;
  const queue = createRedisSpanQueue({ url: config.redisUrl, stream: config.stream, logger });
  // Not fatal: requests are answered 503 until Redis is reachable. Waiting a moment avoids
  // refusing the first requests of a stack that starts Redis and the receiver together.
  await queue.waitUntilReady(2000);
  const keys = openKeyStore(config.authStore, config.redisUrl);
  const authenticate = createAuthenticator(keys, { kind: 'ingest', cacheMillis: config.authCacheMillis });
  const { burstSeconds, ...defaults } = config.rateLimits;
  const rateLimiter = createRateLimiter({ defaults, burstSeconds });
  const { app } = createApp({ queue, authenticate, rateLimiter, maxBodyBytes: config.maxBodyBytes, logger });

  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    console.log(
      `receiver listening on http://${host}:${info.port} (stream ${config.stream}, keys in ${keys.description})`
    );
  });
  server.on('error', (err: Error) => {
    console.error(`receiver: cannot listen on ${host}:${config.port}: ${err.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, SHUTDOWN_GRACE_MILLIS).unref();
    // Redis closes after the server: in-flight requests still need it to enqueue.
    server.close(() => {
      void Promise.allSettled([queue.close(), keys.close()]).finally(() => process.exit(0));
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error('receiver: failed to start:', err);
  process.exit(1);
});

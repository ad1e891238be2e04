#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

// A real S3 REST server on the filesystem (s3rver) for the local stack and tests:
// `S3_DATA_DIR`, `S3_PORT`, `S3_BUCKET`. Production uses MinIO or AWS S3 through the same client.
const directory = process.env.S3_DATA_DIR ?? '.xray-data/s3';
const port = Number(process.env.S3_PORT ?? 4569);
mkdirSync(directory, { recursive: true });
const server = new S3rver({
  address: process.env.S3_HOST ?? '127.0.0.1',
  port,
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: (process.env.S3_BUCKET ?? 'xray-payloads').split(',').map((name) => ({ name })),
});
const address = await server.run();
process.stdout.write(`s3 (s3rver) listening on http://127.0.0.1:${address.port} data=${directory}\n`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

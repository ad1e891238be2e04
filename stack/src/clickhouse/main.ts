#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { ClickHouseHttpServer } from './server.js';

// Runs the embedded ClickHouse as its own process: `CLICKHOUSE_DATA_DIR`, `CLICKHOUSE_PORT`.
const dataDir = process.env.CLICKHOUSE_DATA_DIR ?? '.xray-data/clickhouse';
const port = Number(process.env.CLICKHOUSE_PORT ?? 8123);
mkdirSync(dataDir, { recursive: true });
const server = new ClickHouseHttpServer({ dataDir });
const bound = await server.listen(port, process.env.CLICKHOUSE_HOST ?? '127.0.0.1');
process.stdout.write(`clickhouse (embedded chDB) listening on http://127.0.0.1:${bound} data=${dataDir}\n`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

#!/usr/bin/env node
import { resolve } from 'node:path';
import { openKeyStore } from '@xray/auth';
import { DEFAULT_STREAM } from '@xray/core/ingest';
import {
  ConfigError,
  DEFAULT_PORTS,
  REDIS_URL_SETTING,
  integerSetting,
  readSettings,
  textSetting,
  type Setting,
} from '@xray/core/service';
import { DEFAULT_BUCKET, DEFAULT_DATABASE } from '@xray/core/storage';
import { DEV_KEYS_FILE, ensureDevProject } from './dev-project.js';
import { type PluginPreview, startPluginPreview } from './plugin-preview.js';
import { ensureRedis, stopRedis } from './redis.js';
import { startServices, startStorage } from './stack.js';
import { Supervisor } from './supervisor.js';

// `npm start`: the whole of X-Ray on one machine, no Docker. Every setting has a default and an
// environment variable (see the README's configuration table).
/** A port the stack listens on and puts in URLs: 0 (any free port) would not do. */
const port = (variable: string, fallback: number): Setting<number> => integerSetting(variable, fallback, 1, 65535);
const SETTINGS = {
  dataDir: textSetting('XRAY_DATA_DIR', '.xray-data'),
  redisUrl: REDIS_URL_SETTING,
  clickhousePort: port('CLICKHOUSE_PORT', 8123),
  s3Port: port('S3_PORT', 4569),
  receiverPort: port('RECEIVER_PORT', DEFAULT_PORTS.receiver),
  queryPort: port('QUERY_PORT', DEFAULT_PORTS.query),
  processorPort: port('PROCESSOR_PORT', DEFAULT_PORTS.processor),
  previewPort: port('PREVIEW_PORT', 3000),
  stream: textSetting('XRAY_STREAM', DEFAULT_STREAM),
  database: textSetting('CLICKHOUSE_DATABASE', DEFAULT_DATABASE),
  bucket: textSetting('S3_BUCKET', DEFAULT_BUCKET),
  projectId: textSetting('XRAY_DEV_PROJECT', 'dev'),
  authStore: textSetting('XRAY_AUTH_STORE', 'redis'),
};
const settings = readStackSettings();

const tty = process.stdout.isTTY;
const colours: Record<string, number> = { clickhouse: 33, s3: 35, processor: 36, receiver: 32, query: 34 };
const paint = (name: string) => (tty ? `\x1b[${colours[name] ?? 37}m${name.padEnd(10)}\x1b[0m` : name.padEnd(10));
const onLine = (name: string, line: string) => process.stdout.write(`${paint(name)} ${line}\n`);
const say = (line: string) =>
  process.stdout.write(`${tty ? '\x1b[1m' : ''}x-ray${tty ? '\x1b[0m' : ''}      ${line}\n`);

if (Number(process.versions.node.split('.')[0]) < 22) {
  say(`note: Node.js ${process.version} is past its end of life; X-Ray is supported on Node.js 22 and 24 LTS.`);
}

try {
  const redis = await ensureRedis(settings.redisUrl);
  say(`redis ${redis === 'started' ? 'started' : 'found'} at ${settings.redisUrl}`);
  const keyStore = openKeyStore(settings.authStore, settings.redisUrl);
  const keys = await ensureDevProject(keyStore, settings.dataDir, settings.projectId).finally(() => keyStore.close());
  say(`starting embedded ClickHouse and S3 (data in ${settings.dataDir}) ...`);
  const storage = await startStorage({ ...settings, onLine });
  say('starting processor, receiver and query API ...');
  const services = await startServices({
    ...settings,
    keys,
    clickhouseUrl: storage.clickhouseUrl,
    s3Endpoint: storage.s3Endpoint,
    onLine,
  }).catch(async (err: unknown) => {
    await storage.stop();
    throw err;
  });
  // The Grafana plugin's pages without Grafana; the stack runs without it if it cannot start.
  const preview: PluginPreview | undefined = await startPluginPreview(
    { jsonData: { apiUrl: services.queryUrl }, secureJsonData: { apiKey: keys.readKey } },
    settings.previewPort
  ).catch((err: unknown) => {
    say(`plugin preview not started: ${(err as Error).message}`);
    return undefined;
  });
  say('ready:');
  say(`  OTLP receiver   ${services.receiverUrl}/v1/traces   (point the SDK or a collector here)`);
  say(`  query API       ${services.queryUrl}/v1/runs`);
  say(`  ClickHouse      ${storage.clickhouseUrl}   database ${settings.database}`);
  say(`  S3              ${storage.s3Endpoint}   bucket ${settings.bucket}`);
  if (preview)
    say(`  Grafana plugin  ${preview.url}/a/xray-pipeline-app/runs   (its pages, previewed without Grafana)`);
  say(`project ${keys.projectId} (development; keys saved in ${settings.dataDir}/${DEV_KEYS_FILE}):`);
  say(`  ingest key      ${keys.ingestKey}   (SDKs, TypeScript and Python: XRAY_API_KEY)`);
  say(`  read key        ${keys.readKey}   (query API: Authorization: Bearer <key>)`);
  say('in another terminal: npm run demo      stop: Ctrl-C');
  say('your own pipeline: the seed example of sdk/README.md (TypeScript) or sdk-python/README.md (Python)');

  // A service that dies is reported and restarted; the stack stops only on Ctrl-C (or SIGTERM).
  const supervisor = new Supervisor({ say });
  for (const name of ['processor', 'receiver', 'query'] as const)
    supervisor.watch(services.specs[name], services.processes[name]);
  storage.specs.forEach((spec, i) => supervisor.watch(spec, storage.processes[i]!));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    supervisor.halt(); // before the first await: a service exiting from here on is not restarted
    say('stopping ...');
    await preview?.close();
    await supervisor.stop(Object.keys(services.specs));
    await supervisor.stop(storage.specs.map((spec) => spec.name));
    if (redis === 'started') await stopRedis(settings.redisUrl);
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (err) {
  process.stderr.write(`x-ray could not start: ${(err as Error).message}\n`);
  process.exit(1);
}

function readStackSettings() {
  try {
    const read = readSettings(process.env, SETTINGS);
    return { ...read, dataDir: resolve(read.dataDir) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`x-ray could not start: ${err.line}\n`);
    process.exit(1);
  }
}

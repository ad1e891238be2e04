import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

// The real collector of otel/collector/: otelcol-xray (builder-config.yaml) running the repository's
// xray-collector.yaml itself, only its listening ports moved to free ones.

const root = fileURLToPath(new URL('../../', import.meta.url)); // from stack/src or stack/dist
export const COLLECTOR_CONFIG = `${root}otel/collector/xray-collector.yaml`;
const BUILD_SCRIPT = `${root}otel/collector/build.mjs`;

/**
 * The otelcol-xray binary of the current sources: `node otel/collector/build.mjs` returns its cached
 * path at once, or builds it first (minutes, the first time on a machine; progress goes to stderr).
 */
export function collectorBinary(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BUILD_SCRIPT], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${BUILD_SCRIPT} failed: ${stderr || err.message}`));
      else resolve(stdout.trim().split('\n').at(-1)!);
    });
    child.stdout?.on('data', (d: Buffer) => {
      if (!/^\//.test(String(d))) process.stderr.write(String(d));
    });
  });
}

export interface Collector {
  /** Base URL of its OTLP/HTTP receiver: send to `${otlpHttpUrl}/v1/traces`. */
  otlpHttpUrl: string;
  /** host:port of its OTLP/gRPC receiver. */
  otlpGrpcEndpoint: string;
  /** Its own Prometheus metrics. */
  metricsUrl: string;
  /** Its process id (benchmarks read its CPU time). */
  pid: number;
  /** The binary it runs. */
  binary: string;
  /** Everything it logged so far (the debug exporter logs there too). */
  stderr(): string;
  /** SIGTERM, then waits for it to flush and exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts otelcol-xray with the repository's config, forwarding X-Ray spans to `receiverUrl`. */
export async function startCollector(o: {
  receiverUrl: string;
  ingestKey: string;
  env?: Record<string, string>;
}): Promise<Collector> {
  const binary = await collectorBinary();
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(binary, ['--config', COLLECTOR_CONFIG], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XRAY_RECEIVER_ENDPOINT: o.receiverUrl,
      XRAY_INGEST_KEY: o.ingestKey,
      XRAY_COLLECTOR_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      XRAY_COLLECTOR_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      XRAY_COLLECTOR_METRICS_PORT: String(metrics),
      ...o.env,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += String(d);
    if (process.env.XRAY_TEST_VERBOSE) process.stderr.write(`[otelcol] ${String(d)}`);
  });
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (stderr.includes('Everything is ready')) done(true);
    }, 50);
    const timeout = setTimeout(() => done(false), 30_000);
    const done = (ok: boolean) => {
      clearInterval(timer);
      clearTimeout(timeout);
      resolve(ok);
    };
    void exited.then(() => done(false));
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`otelcol-xray did not start (${binary} --config ${COLLECTOR_CONFIG}):\n${stderr}`);
  }
  return {
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    pid: child.pid!,
    binary,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

import type { ResolvedOptions, XRayOptions } from './types.js';

/** Defaults of {@link XRayOptions}, applied in {@link resolveOptions} and nowhere else. */
export const DEFAULTS = {
  endpoint: 'http://127.0.0.1:4318/v1/traces',
  serviceName: 'xray-pipeline',
  decisionsPerSpan: 1000,
  maxPayloadBytes: 16 * 1024,
  maxExportBytes: 4 * 1024 * 1024,
  flushTimeoutMillis: 10_000,
} as const;

/** Below this a truncation marker with a useful preview does not fit. */
const MIN_PAYLOAD_BYTES = 256;
/** Below this, spans would hold too few decisions to be worth their overhead. */
const MIN_EXPORT_BYTES = 64 * 1024;

/**
 * Applies defaults and checks the options. Bad configuration throws here, at construction, with a
 * sentence saying what to change; nothing the SDK does later throws.
 */
export function resolveOptions(options: XRayOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const endpoint = options.endpoint ?? (env['XRAY_ENDPOINT'] || DEFAULTS.endpoint);
  try {
    new URL(endpoint);
  } catch (cause) {
    throw new TypeError(
      `X-Ray endpoint "${endpoint}" is not a URL. Expected e.g. ${DEFAULTS.endpoint} (option endpoint or env XRAY_ENDPOINT).`,
      { cause },
    );
  }
  const resolved: ResolvedOptions = {
    endpoint,
    headers: { ...options.headers },
    serviceName: options.serviceName ?? DEFAULTS.serviceName,
    decisionsPerSpan: options.decisionsPerSpan ?? DEFAULTS.decisionsPerSpan,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes,
    maxExportBytes: options.maxExportBytes ?? DEFAULTS.maxExportBytes,
    flushTimeoutMillis: options.flushTimeoutMillis ?? DEFAULTS.flushTimeoutMillis,
    exporter: options.exporter,
  };
  requireInteger('decisionsPerSpan', resolved.decisionsPerSpan, 1);
  requireInteger('maxPayloadBytes', resolved.maxPayloadBytes, MIN_PAYLOAD_BYTES);
  // One decision carries up to three payloads; a span must hold at least one whole decision.
  requireInteger('maxExportBytes', resolved.maxExportBytes, Math.max(MIN_EXPORT_BYTES, 4 * resolved.maxPayloadBytes));
  requireInteger('flushTimeoutMillis', resolved.flushTimeoutMillis, 0);
  return resolved;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`X-Ray option ${name} must be an integer >= ${min}, got ${String(value)}.`);
  }
}

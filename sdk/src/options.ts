import {
  CaptureLevels,
  DEFAULT_DECISIONS_PER_SPAN,
  DEFAULT_INLINE_PAYLOAD_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  isCaptureLevel,
  type CaptureLevel,
} from '@xray/otel';
import type { ResolvedOptions, XRayOptions } from './types.js';

/** Defaults of {@link XRayOptions}, applied in {@link resolveOptions} and nowhere else. */
export const DEFAULTS = {
  endpoint: 'http://127.0.0.1:4318/v1/traces',
  serviceName: 'xray-pipeline',
  capture: CaptureLevels.SAMPLED as CaptureLevel,
  samplingSeed: 0,
  decisionsPerSpan: DEFAULT_DECISIONS_PER_SPAN,
  maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
  inlinePayloadBytes: DEFAULT_INLINE_PAYLOAD_BYTES,
  maxExportBytes: 4 * 1024 * 1024,
  maxQueueSpans: 4096,
  // The payload cap (64 MiB) plus room for spans: a value at the cap can still wait for upload.
  maxQueueBytes: 128 * 1024 * 1024,
  exportTimeoutMillis: 10_000,
  flushTimeoutMillis: 10_000,
} as const;

/** The capture level of per-run or per-step options; invalid values are ignored, never thrown. */
export function captureOf(options: { capture?: unknown } | undefined): CaptureLevel | undefined {
  try {
    const capture = options?.capture;
    return isCaptureLevel(capture) ? capture : undefined;
  } catch {
    return undefined;
  }
}

/** Below this a truncation marker with a useful preview does not fit (it is at most the inline threshold). */
const MIN_PAYLOAD_BYTES = 256;
/** Below this, spans would hold too few decisions to be worth their overhead. */
const MIN_EXPORT_BYTES = 64 * 1024;

/**
 * Applies defaults and checks the options. Bad configuration throws here, at construction, with a
 * sentence saying what to change; nothing the SDK does later throws. Bad environment values are
 * ignored instead: an operator's typo must not crash the application.
 */
export function resolveOptions(options: XRayOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const endpoint = options.endpoint ?? (env['XRAY_ENDPOINT'] || DEFAULTS.endpoint);
  let endpointUrl: URL;
  try {
    endpointUrl = new URL(endpoint);
  } catch (cause) {
    throw new TypeError(
      `X-Ray endpoint "${endpoint}" is not a URL. Expected e.g. ${DEFAULTS.endpoint} (option endpoint or env XRAY_ENDPOINT).`,
      { cause }
    );
  }
  // Payload bytes go to the receiver; by default the one at the origin spans are sent to.
  const payloadEndpoint = options.payloadEndpoint ?? (env['XRAY_PAYLOAD_ENDPOINT'] || endpointUrl.origin);
  requireHttpUrl(payloadEndpoint);
  if (options.capture !== undefined && !isCaptureLevel(options.capture)) {
    throw new RangeError(
      `X-Ray option capture must be one of ${Object.values(CaptureLevels).join(', ')}, got ${String(options.capture)}.`
    );
  }
  const envCapture = env['XRAY_CAPTURE'];
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  const resolved: ResolvedOptions = {
    endpoint,
    headers: { ...authorization(options.apiKey ?? env['XRAY_API_KEY']), ...options.headers },
    serviceName: options.serviceName ?? DEFAULTS.serviceName,
    capture: options.capture ?? (isCaptureLevel(envCapture) ? envCapture : DEFAULTS.capture),
    watchList: watchListOf(options.watchList, env['XRAY_WATCH_LIST']),
    samplingSeed: options.samplingSeed ?? DEFAULTS.samplingSeed,
    decisionsPerSpan: options.decisionsPerSpan ?? DEFAULTS.decisionsPerSpan,
    maxPayloadBytes,
    // Follows a smaller cap, so setting only maxPayloadBytes never makes the options invalid.
    inlinePayloadBytes: options.inlinePayloadBytes ?? Math.min(DEFAULTS.inlinePayloadBytes, maxPayloadBytes),
    payloadEndpoint,
    maxExportBytes: options.maxExportBytes ?? DEFAULTS.maxExportBytes,
    maxQueueSpans: options.maxQueueSpans ?? DEFAULTS.maxQueueSpans,
    maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    exportTimeoutMillis: options.exportTimeoutMillis ?? DEFAULTS.exportTimeoutMillis,
    flushTimeoutMillis: options.flushTimeoutMillis ?? DEFAULTS.flushTimeoutMillis,
    exporter: options.exporter,
    idGenerator: options.idGenerator,
  };
  if (!Number.isSafeInteger(resolved.samplingSeed)) {
    throw new RangeError(`X-Ray option samplingSeed must be a safe integer, got ${String(resolved.samplingSeed)}.`);
  }
  requireInteger('decisionsPerSpan', resolved.decisionsPerSpan, 1);
  requireInteger('maxPayloadBytes', resolved.maxPayloadBytes, MIN_PAYLOAD_BYTES);
  requireInteger('inlinePayloadBytes', resolved.inlinePayloadBytes, MIN_PAYLOAD_BYTES);
  if (resolved.inlinePayloadBytes > resolved.maxPayloadBytes) {
    throw new RangeError(
      `X-Ray option inlinePayloadBytes must be <= maxPayloadBytes (${resolved.maxPayloadBytes}), got ${resolved.inlinePayloadBytes}.`
    );
  }
  // One decision carries up to three inline payloads; a span must hold at least one whole decision.
  requireInteger(
    'maxExportBytes',
    resolved.maxExportBytes,
    Math.max(MIN_EXPORT_BYTES, 4 * resolved.inlinePayloadBytes)
  );
  requireInteger('maxQueueSpans', resolved.maxQueueSpans, 1);
  // The queue must hold at least one full-size span, or big steps could never be exported.
  requireInteger('maxQueueBytes', resolved.maxQueueBytes, resolved.maxExportBytes);
  requireInteger('exportTimeoutMillis', resolved.exportTimeoutMillis, 1);
  requireInteger('flushTimeoutMillis', resolved.flushTimeoutMillis, 0);
  return resolved;
}

function requireHttpUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TypeError(
      `X-Ray payload endpoint "${url}" is not an http(s) URL. Expected the X-Ray receiver's base URL, e.g. http://127.0.0.1:4318 (option payloadEndpoint or env XRAY_PAYLOAD_ENDPOINT).`
    );
  }
}

/** The project's ingest key as a Bearer header; none when no key is set (a collector may add it). */
function authorization(apiKey: string | undefined): Record<string, string> {
  const key = apiKey?.trim();
  return key ? { authorization: `Bearer ${key}` } : {};
}

function watchListOf(option: Iterable<string | number> | undefined, env: string | undefined): ReadonlySet<string> {
  if (option !== undefined) {
    try {
      return new Set(Array.from(option, (id) => String(id)));
    } catch (cause) {
      throw new TypeError('X-Ray option watchList must be an iterable of item ids.', { cause });
    }
  }
  return new Set(
    (env ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '')
  );
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`X-Ray option ${name} must be an integer >= ${min}, got ${String(value)}.`);
  }
}

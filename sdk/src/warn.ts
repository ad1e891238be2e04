import { diag } from '@opentelemetry/api';

/** The causes X-Ray warns about, each at most once per client. */
export type WarnCause =
  | 'queue_full'
  | 'export_failure'
  | 'payload_queue_full'
  | 'payload_upload'
  | 'invalid_decision'
  | 'serialization'
  | 'internal';

/** Logs through OpenTelemetry's diagnostic logger (off unless the application enables it). */
export type Warn = (cause: WarnCause, message: string, detail?: unknown) => void;

/**
 * A warner that logs the first occurrence of each cause only: a dead receiver or a buggy step
 * could otherwise log once per span or per decision and flood the application's logs. The
 * counts in `XRay.stats()` carry the rest.
 */
export function createWarner(): Warn {
  const seen = new Set<WarnCause>();
  return (cause, message, detail) => {
    if (seen.has(cause)) return;
    seen.add(cause);
    try {
      diag.warn(`X-Ray SDK: ${message} (further ${cause} warnings suppressed; see XRay.stats()).`, detail);
    } catch {
      // a broken logger must not break recording
    }
  };
}

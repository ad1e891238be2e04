import { CONTENT_TYPES, type OtlpBody } from '../load/bodies.js';

/** One POST of a real OTLP body: its status, whether it said when to retry, and how long it took. */
export interface ProbeAnswer {
  status: number;
  retryAfter: boolean;
  millis: number;
}

/** POSTs `body` (protobuf) to the receiver; status 0 when the request itself failed. */
export async function probe(
  tracesUrl: string,
  headers: Record<string, string>,
  body: OtlpBody,
  timeoutMillis = 10_000
): Promise<ProbeAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(tracesUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': CONTENT_TYPES.protobuf },
      body: body.protobuf,
      signal: AbortSignal.timeout(timeoutMillis),
    });
    await res.arrayBuffer();
    return {
      status: res.status,
      retryAfter: (res.headers.get('retry-after') ?? '') !== '',
      millis: Date.now() - started,
    };
  } catch {
    return { status: 0, retryAfter: false, millis: Date.now() - started };
  }
}

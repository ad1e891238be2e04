/** Webhook delivery of alert notifications: a timeout per attempt, a few retries with back-off. */

/** The JSON a rule's webhook receives on each transition. */
export interface AlertNotification {
  rule: { id: string; name: string; kind: string };
  state: 'firing' | 'resolved';
  /** The rule's value at the transition; null when the window held no data. */
  value: number | null;
  threshold: number;
  window: { seconds: number; from: string; to: string };
  project: string;
  at: string;
  details: unknown[];
}

export interface NotifierOptions {
  /** Per attempt, default 5000. */
  timeoutMillis?: number;
  /** Attempts after the first, default 3. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one; default 500. */
  backoffMillis?: number;
}

/** Posts a notification; resolves to undefined when delivered, else to why it was not. Never throws. */
export type Notify = (url: string, notification: AlertNotification) => Promise<string | undefined>;

export function webhookNotifier(o: NotifierOptions = {}): Notify {
  const timeoutMillis = o.timeoutMillis ?? 5000;
  const retries = o.retries ?? 3;
  const backoffMillis = o.backoffMillis ?? 500;
  return async (url, notification) => {
    const body = JSON.stringify(notification);
    let error = 'not attempted';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMillis * 2 ** (attempt - 1)));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'xray-alerts' },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMillis),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return undefined;
        error = `webhook answered HTTP ${res.status}`;
        // A client error other than 408/429 will not change on retry.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (err) {
        const e = err as Error;
        error =
          e.name === 'TimeoutError'
            ? `webhook did not answer within ${timeoutMillis} ms`
            : `webhook unreachable: ${(e.cause as Error | undefined)?.message ?? e.message}`;
      }
    }
    return error;
  };
}

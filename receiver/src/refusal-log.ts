/**
 * Log lines for refused requests without a line per request: the first refusal of each class is
 * logged at once, later ones at most once a minute per class, with how many there were since.
 */
import type { LogFields, Logger } from '@xray/core/service';

/** Longest a class of refusals goes unreported while it keeps happening. */
const REPORT_EVERY_MILLIS = 60_000;

export class RefusalLog {
  readonly #logger: Logger;
  readonly #now: () => number;
  /** Per class: when it was last logged, and refusals since then. */
  readonly #classes = new Map<string, { at: number; unlogged: number }>();

  constructor(logger: Logger, now: () => number = Date.now) {
    this.#logger = logger;
    this.#now = now;
  }

  /** Notes one refusal of `refusal` (e.g. `too_large`); logs it if its class is due. */
  note(refusal: string, message: string, fields: LogFields = {}): void {
    const now = this.#now();
    const seen = this.#classes.get(refusal);
    if (seen && now - seen.at < REPORT_EVERY_MILLIS) {
      seen.unlogged++;
      return;
    }
    const count = (seen?.unlogged ?? 0) + 1;
    this.#classes.set(refusal, { at: now, unlogged: 0 });
    this.#logger.warn(message, { refusal, ...fields, count });
  }
}

/** How long data may be kept: the limits every component (key store, processor, janitor, query API) shares. */

/** Days data is kept when neither the project nor XRAY_RETENTION_DAYS says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
/** The longest retention a project may have (about ten years). */
export const MAX_RETENTION_DAYS = 3650;

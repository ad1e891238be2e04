/** What every decoder returns: a value, or a sentence saying why there is none. Never a throw. */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

import { isOutcome, type Outcome } from '@xray/otel';

/** Query-string validation: each reader returns a value or throws a {@link BadRequest} naming the parameter. */
export class BadRequest extends Error {
  readonly code = 'invalid_parameter';
}

export function limitParam(raw: string | undefined, fallback = 50, max = 1000, name = 'limit'): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new BadRequest(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** One of a few words. */
export function choiceParam<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[]
): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw))
    throw new BadRequest(`${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** Any finite number, e.g. a score bound. */
export function numberParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new BadRequest(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}

export function ratioParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new BadRequest(`${name} must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return value;
}

/** A time as ISO-8601 or milliseconds since the epoch. */
export function timeParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const millis = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  // Up to the year 9999, the last time a DateTime64 filter takes.
  if (!Number.isFinite(millis) || millis < 0 || millis > 253_402_300_799_999)
    throw new BadRequest(
      `${name} must be an ISO-8601 time or milliseconds since the epoch, got ${JSON.stringify(raw)}`
    );
  return millis;
}

export function textParam(name: string, raw: string | undefined, maxLength = 512): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length === 0 || raw.length > maxLength)
    throw new BadRequest(`${name} must be 1 to ${maxLength} characters long`);
  return raw;
}

export function outcomeParam(raw: string | undefined): Outcome | undefined {
  if (raw === undefined) return undefined;
  if (!isOutcome(raw))
    throw new BadRequest(`outcome must be one of kept, eliminated, scored; got ${JSON.stringify(raw)}`);
  return raw;
}

/** Cursors are opaque to clients: base64url JSON of the position after the last item returned. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(raw: string | undefined, check: (value: unknown) => value is T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new BadRequest('cursor is not one this API returned; start again without it');
}

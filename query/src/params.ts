/**
 * The query API's parameters as schemas. Each states what it accepts (its JSON Schema in
 * /openapi.json: type, limits, default) and refuses any other value with a sentence that names it and
 * says what it accepts (a 400 `invalid_parameter`). Route declarations (routes/*.ts) are made of these.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@xray/core/api';
import { z } from 'zod';
import { parseTime, TIME_EXAMPLES, TIME_PATTERN } from './times.js';

/** A request refused by a check that spans parameters or needs stored data; answered as a 400. */
export class BadRequest extends Error {
  readonly code = 'invalid_parameter';
}

/** How /openapi.json shows a parameter's value: a JSON Schema fragment. */
type ValueDoc = Record<string, unknown>;

/** Reads a raw value: the value, or `undefined` to refuse it. */
type Read<T> = (raw: string) => T | undefined;

/** A repeated query parameter counts with its first value, as `c.req.query(name)` reads it. */
const first = (v: unknown) => (Array.isArray(v) ? (v[0] as unknown) : v);

function reader<T>(read: Read<T>, refusal: (raw: string) => string) {
  return (raw: string, ctx: z.RefinementCtx): T => {
    const value = read(raw);
    if (value !== undefined) return value;
    ctx.addIssue({ code: 'custom', message: refusal(raw), input: raw });
    return z.NEVER;
  };
}

/** An optional query parameter; absent, it is `undefined`. */
export function optional<T>(description: string, doc: ValueDoc, read: Read<T>, refusal: (raw: string) => string) {
  const parse = reader(read, refusal);
  return z
    .preprocess(
      first,
      z
        .string()
        .optional()
        .transform((raw, ctx) => (raw === undefined ? undefined : parse(raw, ctx)))
    )
    .meta({ description, ...doc });
}

/** A query parameter with a default, applied here and shown in /openapi.json. */
export function withDefault<T extends string | number>(
  description: string,
  doc: ValueDoc,
  fallback: T,
  read: Read<T>,
  refusal: (raw: string) => string
) {
  const parse = reader(read, refusal);
  return z
    .preprocess(
      first,
      z
        .string()
        .optional()
        .transform((raw, ctx) => (raw === undefined ? fallback : parse(raw, ctx)))
    )
    .meta({ description, ...doc, default: fallback });
}

/** A path parameter (always present: the route matches only with it). */
export function pathParam<T>(description: string, doc: ValueDoc, read: Read<T>, refusal: (raw: string) => string) {
  return z
    .string()
    .transform(reader(read, refusal))
    .meta({ description, ...doc });
}

/** A page size: an integer from 1 to `max`. */
export function limit(o: { description?: string; fallback?: number; max?: number; name?: string } = {}) {
  const { fallback = DEFAULT_PAGE_SIZE, max = MAX_PAGE_SIZE, name = 'limit' } = o;
  return withDefault(
    o.description ?? `page size (1-${max}, default ${fallback})`,
    { type: 'integer', minimum: 1, maximum: max },
    fallback,
    (raw) => {
      const value = Number(raw);
      return Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
    },
    (raw) => `${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`
  );
}

/** One of a few words. */
export function choice<const T extends string>(name: string, choices: readonly T[], description: string) {
  return optional(
    description,
    { type: 'string', enum: choices },
    (raw) => ((choices as readonly string[]).includes(raw) ? (raw as T) : undefined),
    (raw) => `${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(raw)}`
  );
}

/** kept, eliminated or scored. */
export const outcome = choice('outcome', ['kept', 'eliminated', 'scored'], 'only decisions with this outcome');

/**
 * `exact` (the default: read with FINAL) or `eventual` (no FINAL: faster, may count a re-delivered
 * row twice until ClickHouse merges it).
 */
export const consistency = withDefault<'exact' | 'eventual'>(
  'exact (read with FINAL) or eventual (faster; a re-delivered row may count twice until merged)',
  { type: 'string', enum: ['exact', 'eventual'] },
  'exact',
  (raw) => (raw === 'exact' || raw === 'eventual' ? raw : undefined),
  (raw) => `consistency must be one of exact, eventual; got ${JSON.stringify(raw)}`
);

/** Any finite number, e.g. a score bound. */
export function number(name: string, description: string) {
  return optional(
    description,
    { type: 'number' },
    (raw) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined),
    (raw) => `${name} must be a number, got ${JSON.stringify(raw)}`
  );
}

/** A number from 0 to 1. */
export function ratio(name: string, description: string) {
  return optional(
    description,
    { type: 'number', minimum: 0, maximum: 1 },
    (raw) => {
      const value = Number(raw);
      return raw.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
    },
    (raw) => `${name} must be a number from 0 to 1, got ${JSON.stringify(raw)}`
  );
}

/**
 * A time: milliseconds since the epoch, an ISO 8601 date, or an ISO 8601 date-time (UTC unless it
 * has Z or an offset); exactly what {@link TIME_PATTERN} matches. The value is in milliseconds.
 */
export function time(name: string, description: string) {
  return optional(
    `${description}: milliseconds since the epoch (1-13 digits), an ISO 8601 date (YYYY-MM-DD, a real calendar day) or date-time (YYYY-MM-DDTHH:MM[:SS[.fraction]], a space allowed for the T, then Z or ±HH:MM; without one, UTC)`,
    { type: 'string', pattern: TIME_PATTERN, examples: TIME_EXAMPLES },
    parseTime,
    (raw) =>
      `${name} must be milliseconds since the epoch, a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM] (a space may stand for the T), got ${JSON.stringify(raw)}`
  );
}

/**
 * Free text of 1 to `maxLength` characters (a name, an id, a reason), counted as JSON Schema's
 * `maxLength` counts them: code points, so a character outside the BMP is one, not two.
 */
export const textRead = (maxLength: number) => (raw: string) => {
  const length = codePoints(raw);
  return length > 0 && length <= maxLength ? raw : undefined;
};

/** Characters as JSON Schema counts them (`minLength`, `maxLength`): code points, not UTF-16 units. */
export function codePoints(s: string): number {
  return [...s].length;
}
const textRefusal = (name: string, maxLength: number) => () => `${name} must be 1 to ${maxLength} characters long`;

export function text(name: string, description: string, maxLength = 512) {
  return optional(
    description,
    { type: 'string', minLength: 1, maxLength },
    textRead(maxLength),
    textRefusal(name, maxLength)
  );
}

/** Free text in the path (an item id). */
export function textPath(name: string, description: string, maxLength = 512, example?: string) {
  return pathParam(
    description,
    { type: 'string', minLength: 1, maxLength, ...(example ? { examples: [example] } : {}) },
    textRead(maxLength),
    textRefusal(name, maxLength)
  );
}

/** A hex id in the path, in any case; the value is lowercase. `example` is shown in the document. */
export function hexId(name: string, length: number, description: string, example?: string) {
  const re = new RegExp(`^[0-9a-f]{${length}}$`);
  return pathParam(
    `${description} (${length} hex characters)`,
    { type: 'string', pattern: `^[0-9a-fA-F]{${length}}$`, ...(example ? { examples: [example] } : {}) },
    (raw) => (re.test(raw.toLowerCase()) ? raw.toLowerCase() : undefined),
    (raw) => `${name} must be ${length} hex characters, got ${JSON.stringify(raw)}`
  );
}

/** `true` or `false`. */
export function flag(name: string, description: string) {
  return optional(
    description,
    { type: 'boolean' },
    (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined),
    (raw) => `${name} must be true or false, got ${JSON.stringify(raw)}`
  );
}

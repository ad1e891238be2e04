/**
 * How a route is declared: `createRoute({ method, path, summary, request: { params, query }, responses })`
 * with the parameters of params.ts and an answer schema of `@xray/core/api`. {@link routeApp} serves
 * each declaration: it validates the request against it (a 400 naming the first refused parameter)
 * and lists it in /openapi.json; the handler gets the parsed values from `c.req.valid(...)`.
 */
import { type Hook, OpenAPIHono } from '@hono/zod-openapi';
import { ErrorResponse } from '@xray/core/api';
import type { z } from 'zod';
import { type Env, errorJson } from './http.js';

/** A JSON answer of a route, as `responses[status]`. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const ERRORS = {
  400: 'A parameter is malformed (invalid_parameter); the message names it and says what it accepts.',
  401: 'No key, or a malformed, unknown or revoked key (unauthorized).',
  403: 'A key of the wrong kind (forbidden): reading takes a read or admin key, deleting only an admin key.',
  404: 'No such id in the key’s project (not_found).',
  410: 'Deleted on request, or expired under the project’s retention (gone); the message says which and when.',
  416: 'The Range starts past the end (range_not_satisfiable); Content-Range gives the size.',
  431: 'The URL and headers take more than 256 KiB (request_too_large); the parameters’ limits keep a request below it.',
  500: 'The query failed inside X-Ray (internal_error).',
  503: 'Storage or the key store is unreachable (storage_unavailable, auth_unavailable); retry after Retry-After.',
} as const;
type ErrorStatus = keyof typeof ERRORS;

/** The error answers of a route: those every route may give, and `extra` (e.g. 404 for a route taking an id). */
export function errors<C extends ErrorStatus>(...extra: C[]) {
  const codes: ErrorStatus[] = [400, 401, 403, ...extra, 431, 500, 503];
  return Object.fromEntries(codes.map((code) => [code, json(ErrorResponse, ERRORS[code])])) as Record<
    400 | 401 | 403 | 431 | 500 | 503 | C,
    ReturnType<typeof json<typeof ErrorResponse>>
  >;
}

/** A refused request: 400 with the sentence of the first parameter refused. */
const refuse: Hook<unknown, Env, string, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  const message = result.error.issues[0]?.message ?? 'the request is malformed';
  return errorJson(c, 400, 'invalid_parameter', message);
};

/** An app for a group of declared routes, mounted under /v1 by routes/index.ts. */
export function routeApp(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({ defaultHook: refuse });
}

/** An OpenAPI link: the operation an answer leads to, and where each of its parameters comes from. */
export interface Link {
  operationId: string;
  /** Parameter name → runtime expression, e.g. `$response.body#/runs/0/runId` or `$request.path.runId`. */
  parameters: Record<string, string>;
  description: string;
}

/** `response` with the links a client (or Schemathesis' stateful phase) follows to real ids. */
export function linked<R extends object>(
  response: R,
  links: Record<string, Link>
): R & { links: Record<string, Link> } {
  return { ...response, links };
}

/** A link to `operationId` with `parameters`. */
export const link = (operationId: string, parameters: Record<string, string>, description: string): Link => ({
  operationId,
  parameters,
  description,
});

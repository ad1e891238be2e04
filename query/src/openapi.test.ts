import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { AlertStore } from './alerts/store.js';
import { createApp } from './app.js';
import { openApiDocument, openApiPath, UNDOCUMENTED } from './openapi.js';

// The app as main.ts builds it, minus storage: routes are registered without touching it.
const app = createApp({
  rows: { rows: () => Promise.reject(new Error('not used')) },
  payloads: { record: () => Promise.reject(new Error('not used')), value: () => Promise.reject(new Error('not used')) },
  authenticate: () => Promise.resolve({ ok: false, status: 401, message: 'no key' }),
  retention: () => Promise.reject(new Error('not used')),
  deletions: { deleteRun: () => Promise.reject(new Error('not used')) }, // registers DELETE /v1/runs/{runId}
  alerts: {} as AlertStore, // registers the alert routes; never called here
});

type Schema = { $ref?: string; type?: string; properties?: object; oneOf?: Schema[]; additionalProperties?: unknown };
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
const doc = openApiDocument() as unknown as Document;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op }))
);

describe('the OpenAPI document', () => {
  it('documents exactly the routes the app serves', () => {
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !UNDOCUMENTED.has(r.path))
      .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    expect([...new Set(served)].sort()).toEqual(operations.map((o) => `${o.method} ${o.path}`).sort());
  });

  it('is served without a key, with every path parameter declared', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const served = (await res.json()) as Document;
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(served.openapi).toBe('3.1.0');
    for (const [path, methods] of Object.entries(served.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(methods))
        expect(
          (op.parameters ?? [])
            .filter((x) => x.in === 'path')
            .map((x) => x.name)
            .sort()
        ).toEqual(inPath);
    }
    expect(Object.keys(served.paths)).toContain(openApiPath('/v1/runs/:runId/diff/:otherRunId'));
  });

  it('is a valid OpenAPI 3.1 document, every $ref resolving and every operation named', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(50);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty([name]);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(operations.length);
  });

  it('gives every answer a named schema with its fields, and every error the error shape', () => {
    // Stored values are streamed as they are: any JSON value, not an answer the API builds.
    const raw = new Set(['getPayload']);
    const fields = (s: Schema): boolean =>
      s.$ref
        ? fields(doc.components.schemas[s.$ref.split('/').pop()!]!)
        : s.oneOf
          ? s.oneOf.every(fields)
          : s.type === 'object' && (Object.keys(s.properties ?? {}).length > 0 || s.additionalProperties !== undefined);
    for (const { path, method, op } of operations) {
      for (const [status, answer] of Object.entries(op.responses)) {
        const schema = answer.content?.['application/json']?.schema;
        if (status === '204') expect(schema).toBeUndefined();
        else if (raw.has(op.operationId)) expect(schema, `${method} ${path} ${status}`).toBeDefined();
        else if (status.startsWith('2')) {
          expect(schema?.$ref, `${method} ${path} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
          expect(fields(schema!), `${method} ${path} ${status}`).toBe(true);
        } else expect(schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
      }
    }
  });

  it('generates client types (openapi-typescript) equal to the answer types of @xray/core/api', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xray-openapi-'));
    try {
      await writeFile(join(dir, 'api.ts'), astToString(await openapiTS(doc as never)));
      const core = fileURLToPath(new URL('../../core/src/api/index.ts', import.meta.url));
      const names = Object.keys(doc.components.schemas);
      await writeFile(
        join(dir, 'check.mts'),
        [
          `import type { components, paths } from './api.ts';`,
          `import type * as api from ${JSON.stringify(core)};`,
          'type IsAny<T> = 0 extends 1 & T ? true : false;',
          'type Both<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
          // Assignable both ways and the same fields (optional ones included); never any.
          'type Same<A, B> = true extends IsAny<A> | IsAny<B> ? false : Both<A, B> extends true ? Both<Extract<keyof A, string>, Extract<keyof B, string>> : false;',
          "type S = components['schemas'];",
          ...names.map((name) => `export const ${name}: Same<S['${name}'], api.${name}> = true;`),
          // And through the paths, as a client calls them.
          "type Runs = paths['/v1/runs']['get'];",
          "export const runsAnswer: Same<Runs['responses'][200]['content']['application/json'], api.RunListResponse> = true;",
          "export const runsQuery: Same<NonNullable<Runs['parameters']['query']>['sort'], 'time' | 'ratio' | undefined> = true;",
          "export const runId: Same<paths['/v1/runs/{runId}']['get']['parameters']['path'], { runId: string }> = true;",
        ].join('\n')
      );
      const program = ts.createProgram([join(dir, 'check.mts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        types: [],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
        const line = d.file?.text.split('\n')[at]?.slice(0, 60) ?? '';
        return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
      expect(problems).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(['RunSummary', 'DecisionDetail', 'AlertRuleWithState']));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

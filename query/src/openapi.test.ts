import { describe, expect, it } from 'vitest';
import type { AlertStore } from './alerts/store.js';
import { createApp } from './app.js';
import { openApiDocument, openApiPath, ROUTES, UNDOCUMENTED } from './openapi.js';

// The app as main.ts builds it, minus storage: routes are registered without touching it.
const app = createApp({
  rows: { rows: () => Promise.reject(new Error('not used')) },
  payloads: { read: () => Promise.reject(new Error('not used')) },
  authenticate: () => Promise.resolve({ ok: false, status: 401, message: 'no key' }),
  alerts: {} as AlertStore, // registers the alert routes; never called here
});

describe('the OpenAPI document', () => {
  it('documents exactly the routes the app serves', () => {
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !UNDOCUMENTED.has(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path}`)
      .sort();
    expect([...new Set(served)]).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('is served without a key, with every path parameter declared', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>;
    };
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(methods))
        expect(
          op.parameters
            .filter((x) => x.in === 'path')
            .map((x) => x.name)
            .sort()
        ).toEqual(inPath);
    }
    expect(Object.keys(doc.paths)).toContain(openApiPath('/v1/runs/:runId/diff/:otherRunId'));
  });
});

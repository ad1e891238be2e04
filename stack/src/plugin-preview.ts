import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The Grafana plugin without Grafana: serves the harness page (grafana-plugin/harness), its bundle,
// the BUILT plugin under /public/plugins/<id>/ and a stand-in for Grafana's plugin proxy that applies
// the proxy route of the built plugin.json. `npm start` runs it as a preview; the browser test runs it
// against a test stack. The proxy stand-in is a fake (no Grafana server can run on the development
// machines): it implements the {{ .JsonData.x }} / {{ .SecureJsonData.x }} templating of routes.

export const pluginDir = fileURLToPath(new URL('../../grafana-plugin/', import.meta.url));
const PLUGIN_ID = 'xray-pipeline-app';
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface PluginSettings {
  jsonData: Record<string, string>;
  secureJsonData: Record<string, string>;
}

export interface PluginPreview {
  url: string;
  /** Requests the proxy stand-in forwarded, with the headers it added (kept only with `record`). */
  forwarded: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

interface Route {
  path: string;
  url: string;
  headers?: { name: string; content: string }[];
}

/** Grafana's route templating, for the two sources a route may use; an unset value renders empty, as in Grafana. */
function renderTemplate(template: string, settings: PluginSettings): string {
  return template.replace(
    /\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g,
    (_, source: string, name: string) =>
      (source === 'JsonData' ? settings.jsonData : settings.secureJsonData)[name] ?? ''
  );
}

/** The file below `root` that a URL path names, or undefined when it is not one (`..`, a sibling folder). */
function fileUnder(root: string, relativePath: string): string | undefined {
  const file = normalize(join(root, relativePath));
  return file.startsWith(root + sep) && existsSync(file) ? file : undefined;
}

/**
 * Starts the preview on `port` (0: any free port) of 127.0.0.1. `record` keeps every forwarded
 * request in `forwarded` (for tests; a long-running preview leaves it off).
 */
export async function startPluginPreview(
  settings: PluginSettings,
  port = 0,
  { record = false } = {}
): Promise<PluginPreview> {
  const dist = join(pluginDir, 'dist');
  // Loaded here, not at import: the stack runs without the plugin's packages when it has to.
  const { build } = await import('esbuild');
  /** @grafana/ui's icons, which Grafana serves under public/build/img/icons/. */
  const iconDir = join(
    dirname(createRequire(join(pluginDir, 'package.json')).resolve('@grafana/ui/package.json')),
    'dist/public/img/icons'
  );
  if (!existsSync(join(dist, 'module.js')))
    throw new Error(`${dist}/module.js is missing: run "npm run build" first (npm start and npm test do).`);
  const routes = (JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8')) as { routes?: Route[] }).routes ?? [];
  const bundle = await build({
    entryPoints: [join(pluginDir, 'harness/main.tsx')],
    alias: {
      'grafana-runtime-plugin-page': join(
        dirname(createRequire(join(pluginDir, 'package.json')).resolve('@grafana/runtime')),
        '../esm/components/PluginPage.mjs'
      ),
    },
    bundle: true,
    write: false,
    outdir: '/',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    loader: { '.svg': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    logLevel: 'silent',
  });
  const assets = new Map(bundle.outputFiles.map((f) => [f.path.replace(/^\/main\./, '/harness.'), f.contents]));
  const page = readFileSync(join(pluginDir, 'harness/index.html'));
  const forwarded: PluginPreview['forwarded'] = [];

  async function proxy(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const [routePath = '', ...tail] = rest.split('/');
    const route = routes.find((r) => r.path === routePath);
    if (!route) {
      res.writeHead(404).end(JSON.stringify({ message: `plugin has no proxy route ${routePath}` }));
      return;
    }
    const target = `${renderTemplate(route.url, settings).replace(/\/$/, '')}/${tail.join('/')}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const h of route.headers ?? []) headers[h.name.toLowerCase()] = renderTemplate(h.content, settings);
    try {
      if (record)
        forwarded.push({
          path: new URL(target).pathname + new URL(target).search,
          authorization: headers.authorization,
        });
      const answer = await fetch(target, { method: req.method, headers });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      // What Grafana's proxy answers when the upstream cannot be reached.
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Bad Gateway' }));
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const path = decodeURIComponent(url.pathname);
    if (path.startsWith(`/api/plugin-proxy/${PLUGIN_ID}/`)) {
      void proxy(req, res, url.pathname.slice(`/api/plugin-proxy/${PLUGIN_ID}/`.length) + url.search);
      return;
    }
    if (path === `/api/plugins/${PLUGIN_ID}/settings`) {
      // As Grafana answers it: jsonData, and only *whether* each secure field is set.
      const secureJsonFields = Object.fromEntries(Object.keys(settings.secureJsonData).map((k) => [k, true]));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ id: PLUGIN_ID, type: 'app', enabled: true, jsonData: settings.jsonData, secureJsonFields })
        );
      return;
    }
    const asset = assets.get(path);
    if (asset) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(asset);
      return;
    }
    if (path.startsWith('/public/build/img/icons/')) {
      const file = fileUnder(iconDir, path.slice('/public/build/img/icons/'.length));
      if (file) {
        res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(readFileSync(file));
        return;
      }
      res.writeHead(404).end();
      return;
    }
    if (path.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      const file = fileUnder(dist, path.slice(`/public/plugins/${PLUGIN_ID}/`.length));
      if (file) {
        res
          .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(readFileSync(file));
        return;
      }
      res.writeHead(404).end();
      return;
    }
    if (path === '/' || path.startsWith('/a/')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    forwarded,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A browser harness that stands in for Grafana's front end (no Grafana server can run on the test
// machines). It loads the BUILT plugin (dist/module.js, an AMD module) the way Grafana does: its
// externals (React, @grafana/ui, @grafana/data, @grafana/runtime, react-router, rxjs, emotion) are
// handed to it from this bundle, which uses the real packages and theme. What it fakes, named:
// - backendSrv: plain fetch() to the harness server, whose /api/plugin-proxy/ route applies the
//   plugin.json proxy route (URL and key headers) the way Grafana's plugin proxy does;
// - the page chrome: a bar with the app's pages stands in for Grafana's navigation, and PluginPage
//   renders the page's title and subtitle above it, as Grafana's page header does.
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as React from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as ReactRouter from 'react-router';
import { BrowserRouter, Link, Route, Routes } from 'react-router-dom';
import { setPluginPage } from 'grafana-runtime-plugin-page';
import * as rxjs from 'rxjs';

const PLUGIN_ID = 'xray-pipeline-app';
// Where Grafana serves its static files; @grafana/ui loads its icons from <public path>build/img/icons/.
Object.assign(window, { __grafana_public_path__: '/public/' });
const MODULE_URL = `/public/plugins/${PLUGIN_ID}/module.js`;

const externals: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  'react-router': ReactRouter,
  rxjs,
};

/** Loads an AMD module as Grafana's loader does, resolving its dependencies from `externals`. */
function loadPlugin(url: string): Promise<{ plugin: grafanaData.AppPlugin }> {
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...args: unknown[]) => { plugin: grafanaData.AppPlugin }) => {
      try {
        const args = deps.map((dep) => {
          if (dep === 'module') {
            return { uri: url };
          }
          if (!(dep in externals)) {
            throw new Error(`the plugin imports ${dep}, which Grafana does not share with plugins`);
          }
          return externals[dep];
        });
        resolve(factory(...args));
      } catch (err) {
        reject(err);
      }
    };
    Object.assign(window, { define: Object.assign(define, { amd: true }) });
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

/** backendSrv.fetch over the browser's fetch, with Grafana's response and error shapes. */
const backendSrv = {
  fetch<T>(options: grafanaRuntime.BackendSrvRequest) {
    return new rxjs.Observable<grafanaRuntime.FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      fetch(options.url, {
        method: options.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
        body: options.data === undefined ? undefined : JSON.stringify(options.data),
        signal: controller.signal,
      }).then(
        async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text, as Grafana does
          }
          const response = {
            data: data as T,
            status: res.status,
            statusText: res.statusText,
            ok: res.ok,
            headers: res.headers,
            redirected: res.redirected,
            type: res.type,
            url: res.url,
            config: options,
          };
          if (res.ok) {
            subscriber.next(response);
            subscriber.complete();
          } else {
            subscriber.error(response);
          }
        },
        (err: unknown) => subscriber.error({ status: 0, statusText: String(err), data: undefined, config: options })
      );
      return () => controller.abort();
    });
  },
};

/** Grafana's page header, reduced: the title from pageNav and the subtitle. */
const PreviewPluginPage: grafanaRuntime.PluginPageType = ({ pageNav, subTitle, children }) => (
  <>
    {(pageNav?.text || subTitle) && (
      <header style={{ marginBottom: 16 }}>
        {pageNav?.text && <h1 style={{ margin: 0 }}>{pageNav.text}</h1>}
        {(pageNav?.subTitle || subTitle) && <div style={{ opacity: 0.75 }}>{pageNav?.subTitle ?? subTitle}</div>}
      </header>
    )}
    {children}
  </>
);

async function main() {
  const mode = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
  const theme = grafanaData.createTheme({ colors: { mode } });
  grafanaRuntime.setBackendSrv(backendSrv as unknown as grafanaRuntime.BackendSrv);
  setPluginPage(PreviewPluginPage);
  const meta = await fetch(`/api/plugins/${PLUGIN_ID}/settings`).then((r) => r.json());
  // In Grafana the shared packages are already loaded when a plugin page opens; the browser test
  // measures from here too, to tell the plugin's own time from the harness's start-up.
  performance.mark('plugin-load-start');
  const { plugin } = await loadPlugin(MODULE_URL);
  const Root = plugin.root!;
  const props = { meta, basename: `/a/${PLUGIN_ID}`, path: `/a/${PLUGIN_ID}`, query: {}, onNavChanged: () => {} };
  createRoot(document.getElementById('root')!).render(
    <grafanaUi.ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <nav
          aria-label="X-Ray"
          style={{
            display: 'flex',
            gap: theme.spacing(3),
            alignItems: 'baseline',
            padding: theme.spacing(1.5, 3),
            background: theme.colors.background.primary,
            borderBottom: `1px solid ${theme.colors.border.weak}`,
          }}
        >
          <strong>X-Ray</strong>
          <Link to={`/a/${PLUGIN_ID}/runs`}>Runs</Link>
          <Link to={`/a/${PLUGIN_ID}/items`}>Item</Link>
          <Link to={`/a/${PLUGIN_ID}/compare`}>Compare runs</Link>
          <span
            style={{
              marginLeft: 'auto',
              color: theme.colors.text.secondary,
              fontSize: theme.typography.bodySmall.fontSize,
            }}
          >
            plugin preview without Grafana: in Grafana these pages are under Apps → X-Ray
          </span>
        </nav>
        <main style={{ padding: theme.spacing(2, 3), minHeight: '100vh', background: theme.colors.background.canvas }}>
          <Routes>
            <Route path={`/a/${PLUGIN_ID}/*`} element={<Root {...(props as unknown as grafanaData.AppRootProps)} />} />
          </Routes>
        </main>
      </BrowserRouter>
    </grafanaUi.ThemeContext.Provider>
  );
}

main().catch((err: unknown) => {
  document.body.textContent = `Harness failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  throw err;
});

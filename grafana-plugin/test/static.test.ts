// @vitest-environment node
/**
 * What Grafana and the people running it rely on without running the plugin: both plugin.json
 * files (source and built) are valid, the proxy routes add the read key server-side, the bundled
 * dashboard and provisioning point at the data source, and nothing secret is in the bundle.
 * The plugin.json checks follow Grafana's plugin.schema.json (required fields, id and version
 * patterns, include types and roles), written out here rather than copied.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HIGH_RATIO, PROXY_ROUTE } from '../src/constants';
import { DS_PLUGIN_ID, DS_PROXY_ROUTE, DS_UID } from '../src/datasource/constants';

const pluginDir = join(dirname(new URL(import.meta.url).pathname), '..');
const src = join(pluginDir, 'src');
const dist = join(pluginDir, 'dist');

/** The built plugin; the tests that read it fail with what to do when it is not there. */
function built(...path: string[]): string {
  if (!existsSync(join(dist, 'plugin.json'))) {
    throw new Error('grafana-plugin/dist is missing: run npm run build -w grafana-plugin first');
  }
  return join(dist, ...path);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;

const ID = /^[a-z0-9]+(-[a-z0-9]+)*-(app|datasource|panel)$/;
/** A semver range as plugin.schema.json accepts for grafanaDependency (e.g. >=13.0.0). */
const SEMVER_RANGE = /^(<=|>=|<|>|=|~|\^)?\d+(\.[0-9x*]+){1,2}(\s(<=|>=|<|=>)?\d+(\.[0-9x]+){2})?$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource'];
const ROLES = ['Admin', 'Editor', 'Viewer'];
/** An X-Ray API key: xri_ (ingest) or xrr_ (read), key id, secret. */
const API_KEY = /xr[ir]_[a-z0-9-]+_[A-Za-z0-9_-]{20,}/;
const KEY_HEADER = 'Bearer {{ .SecureJsonData.apiKey }}';

const APP = 'plugin.json';
const DATASOURCE = 'datasource/plugin.json';

/** Source and built copies of both plugin.json files, checked alike. */
const pluginFiles: Array<{ label: string; root: () => string; file: string }> = [
  { label: `src/${APP}`, root: () => src, file: APP },
  { label: `src/${DATASOURCE}`, root: () => src, file: DATASOURCE },
  { label: `dist/${APP}`, root: () => built(), file: APP },
  { label: `dist/${DATASOURCE}`, root: () => built(), file: DATASOURCE },
];

describe.each(pluginFiles)('$label', ({ label, root, file }) => {
  const load = () => {
    const path = join(root(), file);
    return { path, dir: dirname(path), json: readJson(path), isBuilt: label.startsWith('dist/') };
  };

  it('has the fields Grafana requires, an id of the right form and a type matching it', () => {
    const { json, isBuilt } = load();
    expect(json.id).toMatch(ID);
    expect(json.type).toBe(ID.exec(json.id)![2]);
    expect(typeof json.name).toBe('string');
    expect(json.name.length).toBeGreaterThan(0);
    expect(json.info.keywords.length).toBeGreaterThan(0);
    expect(json.info.version).toMatch(isBuilt ? SEMVER : /^(%VERSION%|\d+\.\d+\.\d+)$/);
    expect(json.info.updated).toMatch(isBuilt ? /^\d{4}-\d{2}-\d{2}$/ : /^(%TODAY%|\d{4}-\d{2}-\d{2})$/);
    expect(json.dependencies.grafanaDependency).toMatch(SEMVER_RANGE);
    if (isBuilt) {
      expect(JSON.stringify(json), 'every %PLACEHOLDER% is filled in by the build').not.toMatch(/%[A-Z_]+%/);
    }
  });

  it('has SVG logos that exist where Grafana resolves them (relative to the plugin.json)', () => {
    const { json, dir } = load();
    for (const size of ['small', 'large']) {
      const logo = json.info.logos[size] as string;
      expect(logo, size).toMatch(/\.svg$/);
      expect(existsSync(join(dir, logo)), `${label} logo ${logo}`).toBe(true);
    }
  });

  it('has a module next to it, which Grafana loads', () => {
    const { dir, isBuilt } = load();
    const modules = isBuilt ? ['module.js'] : ['module.ts', 'module.tsx'];
    expect(modules.some((m) => existsSync(join(dir, m)))).toBe(true);
  });

  it('includes pages under the app or plugin URL, and dashboards that exist and use the X-Ray data source', () => {
    const { json, dir, isBuilt } = load();
    const appId = isBuilt ? json.id : '%PLUGIN_ID%';
    for (const include of (json.includes ?? []) as Array<Record<string, any>>) {
      expect(INCLUDE_TYPES, JSON.stringify(include)).toContain(include.type);
      if (include.role !== undefined) {
        expect(ROLES).toContain(include.role);
      }
      if (include.type === 'page') {
        expect(include.path.startsWith(`/a/${appId}/`) || include.path.startsWith('/plugins/'), include.path).toBe(
          true
        );
      }
      if (include.type === 'dashboard') {
        const dashboard = readJson(join(dir, include.path));
        expect(dashboard.title).toBe(include.name);
        expect(JSON.stringify(dashboard)).toContain(`"type":"${DS_PLUGIN_ID}"`);
      }
      if (include.type === 'datasource') {
        expect(include.name).toBe(readJson(join(dir, DATASOURCE)).name);
      }
    }
  });

  it('proxies to the configured URL, adding the read key from secureJsonData and from nowhere else', () => {
    const { json } = load();
    expect(json.routes.length).toBeGreaterThan(0);
    for (const route of json.routes as Array<Record<string, any>>) {
      expect(route.path).toBe(json.type === 'app' ? PROXY_ROUTE : DS_PROXY_ROUTE);
      expect(route.url).toBe('{{ .JsonData.apiUrl }}');
      const headers = route.headers as Array<{ name: string; content: string }>;
      expect(headers.filter((h) => h.name.toLowerCase() === 'authorization').map((h) => h.content)).toEqual([
        KEY_HEADER,
      ]);
      const text = JSON.stringify(route);
      expect(text, 'the key never comes from jsonData (sent to browsers)').not.toMatch(/(?<!Secure)JsonData\.apiKey/);
      expect(text, 'no literal key in a route').not.toMatch(API_KEY);
      expect(text).not.toMatch(/xr[ir]_/);
    }
  });
});

describe('the data source plugin', () => {
  it('is the frontend-only metrics data source the dashboard and provisioning name', () => {
    const json = readJson(join(src, DATASOURCE));
    expect(json.id).toBe(DS_PLUGIN_ID);
    expect(json.metrics).toBe(true);
    expect(json.backend).toBeFalsy();
  });

  it('is built into dist/datasource', () => {
    expect(existsSync(built('datasource', 'module.js'))).toBe(true);
  });
});

describe('the Pipeline health dashboard', () => {
  const dashboard = readJson(join(src, 'dashboards', 'pipeline-health.json'));
  const panels = dashboard.panels as Array<Record<string, any>>;

  it('queries the X-Ray data source the $datasource variable picks, whatever its uid, in every panel and the $pipeline variable', () => {
    const variables = dashboard.templating.list as Array<Record<string, any>>;
    // The provisioned data source has uid "xray"; one added by hand gets a random uid, so the
    // dashboard names none: a data source variable of the plugin's type picks the instance.
    expect(variables[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: DS_PLUGIN_ID });
    const refs = [
      ...panels.map((p) => p.datasource),
      ...panels.flatMap((p) => p.targets.map((t: Record<string, any>) => t.datasource)),
      ...variables.filter((v) => v.type === 'query').map((v) => v.datasource),
    ];
    expect(refs.length).toBeGreaterThan(panels.length);
    for (const ref of refs) {
      expect(ref).toEqual({ type: DS_PLUGIN_ID, uid: '${datasource}' });
    }
    expect(variables.map((v) => v.name)).toEqual(['datasource', 'pipeline']);
    expect(JSON.stringify(dashboard)).not.toContain(`"uid":"${DS_UID}"`);
  });

  it('asks for series and metrics the data source knows', () => {
    for (const target of panels.flatMap((p) => p.targets)) {
      expect(['pipeline', 'step']).toContain(target.by);
      expect(['eliminationRatio', 'eliminated', 'input', 'runs']).toContain(target.metric);
      if (target.by === 'step') {
        expect(target.pipeline).toBe('$pipeline');
      }
    }
  });

  it('shows ratios in percent and in red above the high-ratio threshold', () => {
    const ratioPanels = panels.filter((p) =>
      p.targets.some((t: Record<string, any>) => t.metric === 'eliminationRatio')
    );
    expect(ratioPanels.length).toBe(2);
    for (const panel of ratioPanels) {
      const defaults = panel.fieldConfig.defaults;
      expect(defaults.unit).toBe('percentunit');
      expect(defaults.thresholds.steps).toContainEqual({ color: 'red', value: HIGH_RATIO });
      expect(defaults.custom.thresholdsStyle.mode).not.toBe('off');
    }
  });

  it('is copied into the build, where the dashboard provider reads it', () => {
    expect(readJson(built('dashboards', 'pipeline-health.json'))).toEqual(dashboard);
  });
});

/** Every provisioning file, parsed (Grafana's $VAR and $__file{} expansions stay as text). */
const provisioning = filesUnder(join(pluginDir, 'provisioning'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: relative(pluginDir, f), doc: parse(readFileSync(f, 'utf8')) as Record<string, any> }));
const provisioned = (kind: string) =>
  provisioning.flatMap(({ doc }) => (doc[kind] ?? []) as Array<Record<string, any>>);
const secretValues = [...provisioned('apps'), ...provisioned('datasources')].flatMap(
  (p) => Object.values(p.secureJsonData ?? {}) as string[]
);

describe('provisioning', () => {
  it('enables the app and creates the data source with uid xray, both with the URL and read key from outside the repository', () => {
    const appId = readJson(join(src, APP)).id;
    expect(provisioned('apps').map((a) => a.type)).toEqual([appId]);
    expect(provisioned('datasources').map((d) => [d.type, d.uid])).toEqual([[DS_PLUGIN_ID, DS_UID]]);
    for (const settings of [...provisioned('apps'), ...provisioned('datasources')]) {
      expect(settings.jsonData.apiUrl).toBe('$XRAY_QUERY_URL');
      expect(settings.jsonData.apiKey).toBeUndefined();
      expect(settings.secureJsonData.apiKey).toMatch(/^\$__file\{\/[^}]+\}$/);
    }
    expect(secretValues.length).toBe(2);
  });

  it("leaves the dashboard to the app (Grafana imports an enabled app's dashboards): no second copy under the same uid", () => {
    expect(provisioned('providers')).toEqual([]);
    const include = (readJson(join(src, APP)).includes as Array<Record<string, string>>).find(
      (i) => i.type === 'dashboard'
    );
    expect(include?.uid).toBe(readJson(join(src, include!.path!)).uid);
  });
});

describe('the built bundle', () => {
  const files = () =>
    filesUnder(built()).map((path) => ({ name: relative(dist, path), text: readFileSync(path, 'utf8') }));

  it('holds no API key', () => {
    for (const { name, text } of files()) {
      expect(API_KEY.exec(text)?.[0], name).toBeUndefined();
    }
  });

  it('never reads a secureJsonData key in browser code (Grafana adds it server-side)', () => {
    const read = /secureJsonData\)?\??\.apiKey|secureJsonData\)?\[["']apiKey["']\]/;
    for (const { name, text } of files().filter((f) => f.name.endsWith('.js'))) {
      expect(read.exec(text)?.[0], name).toBeUndefined();
    }
    // Sources too: minified optional chains would hide a read from the check above.
    const sources = filesUnder(src).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
    for (const path of sources) {
      expect(read.exec(readFileSync(path, 'utf8'))?.[0], relative(pluginDir, path)).toBeUndefined();
    }
  });
});

import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so docker-compose.yml is checked by reading it against the code.
const root = new URL('../../', import.meta.url).pathname;
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      environment?: Record<string, string>;
      ports?: string[];
      depends_on?: string[] | Record<string, unknown>;
      command?: string[];
      entrypoint?: string[];
      volumes?: string[];
    }
  >;
  volumes?: Record<string, unknown>;
};

function sources(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) text += sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) text += readFileSync(path, 'utf8');
  }
  return text;
}

/** Environment variable names a package reads (its own sources and core's). */
function envNamesRead(pkg: string): Set<string> {
  const text =
    sources(join(root, pkg, 'src')) + sources(join(root, 'core', 'src')) + sources(join(root, 'auth', 'src'));
  // `env.NAME`, `env['NAME']`, a name passed to a config helper (`get('NAME')`, `int(env, 'NAME', ...)`), or
  // a setting declared with `@xray/core/service` (`portSetting('NAME', ...)`).
  return new Set(
    [...text.matchAll(/(?:env\.|env\[['"]|get\(['"]|\(env, ['"]|Setting\(['"])([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!)
  );
}

const containerPorts = (service: string): number[] =>
  (compose.services[service]?.ports ?? []).map((p) => Number(String(p).split(':').at(-1)));

describe('docker-compose.yml', () => {
  it('gives each X-Ray service only environment variables its code reads', () => {
    for (const service of ['processor', 'receiver', 'query']) {
      const read = envNamesRead(service);
      for (const name of Object.keys(compose.services[service]!.environment ?? {})) {
        expect(read.has(name), `${service} is given ${name} but its code never reads it`).toBe(true);
      }
      expect(compose.services[service]!.command?.join(' ')).toContain(`${service}/dist/main.js`);
    }
  });

  it('runs the key set-up with the CLI, on the same key store as the services', () => {
    const keys = compose.services['xray-keys']!;
    expect(keys.entrypoint!.join(' ')).toContain('cli/dist/main.js create project');
    const read = envNamesRead('cli');
    for (const name of Object.keys(keys.environment ?? {}))
      expect(read.has(name), `xray-keys is given ${name}`).toBe(true);
    for (const service of ['receiver', 'query']) {
      expect(compose.services[service]!.environment!.XRAY_AUTH_STORE).toBe(keys.environment!.XRAY_AUTH_STORE);
      expect(compose.services[service]!.environment!.REDIS_URL).toBe(keys.environment!.REDIS_URL);
    }
  });

  it('builds every workspace package the image runs, with what they import', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const needed = new Set<string>();
    const visit = (pkg: string) => {
      if (needed.has(pkg)) return;
      needed.add(pkg);
      const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      for (const dep of Object.keys(manifest.dependencies ?? {}))
        if (dep.startsWith('@xray/')) visit(dep.slice('@xray/'.length));
    };
    for (const pkg of ['receiver', 'processor', 'query', 'cli']) visit(pkg);
    const built = /RUN npx tsc -b ([a-z ]+)/.exec(dockerfile)![1]!.split(' ');
    for (const pkg of needed) {
      expect(dockerfile, `Dockerfile installs ${pkg}`).toContain(`COPY ${pkg}/package.json ${pkg}/`);
      expect(built, `Dockerfile builds ${pkg}`).toContain(pkg);
      expect(dockerfile, `the image holds ${pkg}`).toMatch(new RegExp(`COPY --from=build /app/${pkg}[ /]`));
    }
  });

  it('pins every image to a release: no image floats', () => {
    const images = Object.entries(compose.services).filter(([, def]) => def.image !== undefined);
    expect(images.length).toBeGreaterThan(0);
    for (const [service, { image }] of images) {
      const tag = /^[^@]+?:([^/:@]+)$/.exec(image!)?.[1];
      // A full version (1.2.3, 25.8.33.6) or a dated MinIO release, never latest, a major or a line.
      expect(tag, `${service}: ${image} has no tag`).toBeDefined();
      expect(tag, `${service}: ${image} floats`).toMatch(
        /^(v?\d+\.\d+\.\d+(\.\d+)?|RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z)$/
      );
    }
    const collectorImage = compose.services['otel-collector']!.image!;
    const manifest = readFileSync(join(root, 'otel/collector/builder-config.yaml'), 'utf8');
    // The compose collector is the contrib release the tests' otelcol-xray is built from.
    expect(manifest).toContain(`/processor/filterprocessor v${collectorImage.split(':')[1]}`);
  });

  it('publishes the ports the services listen on', () => {
    expect(containerPorts('receiver')).toContain(Number(compose.services.receiver!.environment!.RECEIVER_PORT));
    expect(containerPorts('query')).toContain(Number(compose.services.query!.environment!.QUERY_PORT));
  });

  it('points every URL at a defined service on a port it serves', () => {
    const servicePort: Record<string, number> = {
      clickhouse: 8123,
      redis: 6379,
      minio: 9000,
      receiver: 4318,
      query: 8080,
    };
    for (const [name, port] of Object.entries(servicePort)) {
      expect(containerPorts(name), name).toContain(port);
    }
    for (const [service, def] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(def.environment ?? {})) {
        if (!/^(https?|redis):\/\//.test(String(value))) continue;
        const url = new URL(String(value));
        expect(Object.keys(compose.services), `${service}.${key} -> ${url.hostname}`).toContain(url.hostname);
        expect(Number(url.port), `${service}.${key}`).toBe(servicePort[url.hostname]);
      }
    }
  });

  it('creates the bucket the services write to, and mounts files that exist', () => {
    expect(compose.services['minio-init']!.entrypoint!.join(' ')).toContain(
      `local/${compose.services.processor!.environment!.S3_BUCKET}`
    );
    expect(compose.services.query!.environment!.S3_BUCKET).toBe(compose.services.processor!.environment!.S3_BUCKET);
    const mount = compose.services['otel-collector']!.volumes![0]!.split(':')[0]!;
    expect(existsSync(join(root, mount))).toBe(true);
  });

  it('only depends on services it defines', () => {
    for (const [service, def] of Object.entries(compose.services)) {
      const deps = Array.isArray(def.depends_on) ? def.depends_on : Object.keys(def.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(compose.services), `${service} depends on ${dep}`).toContain(dep);
    }
  });

  describe('grafana', () => {
    const plugin = join(root, 'grafana-plugin');
    const pluginIds = ['src/plugin.json', 'src/datasource/plugin.json'].map(
      (f) => (JSON.parse(readFileSync(join(plugin, f), 'utf8')) as { id: string }).id
    );
    const appId = pluginIds[0]!;
    const grafana = compose.services.grafana!;
    /** host or volume -> path in the container. */
    const mounts = (service: string) =>
      (compose.services[service]!.volumes ?? []).map((v) => ({ from: v.split(':')[0]!, to: v.split(':')[1]! }));
    /** `$__file{path}` references in the provisioning files. */
    const provisioningText = ['plugins', 'datasources']
      .map((d) => readFileSync(join(plugin, 'provisioning', d, 'xray.yaml'), 'utf8'))
      .join('\n');
    const keyFiles = [...new Set([...provisioningText.matchAll(/\$__file\{([^}]+)\}/g)].map((m) => m[1]!))];

    it('runs Grafana 13 with the built plugin mounted where Grafana looks for the app', () => {
      expect(grafana.image).toMatch(/^grafana\/grafana(-enterprise)?:13\./);
      expect(mounts('grafana')).toContainEqual({
        from: './grafana-plugin/dist',
        to: `/var/lib/grafana/plugins/${appId}`,
      });
    });

    it('allows loading exactly the unsigned plugins the build holds (the app and its data source)', () => {
      expect(grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort()).toEqual(
        [...pluginIds].sort()
      );
    });

    it('mounts each provisioning folder, and gives it the query URL it expands', () => {
      for (const dir of ['plugins', 'datasources']) {
        expect(mounts('grafana')).toContainEqual({
          from: `./grafana-plugin/provisioning/${dir}`,
          to: `/etc/grafana/provisioning/${dir}`,
        });
        expect(existsSync(join(plugin, 'provisioning', dir)), dir).toBe(true);
      }
      for (const name of provisioningText.matchAll(/\$([A-Z][A-Z0-9_]+)/g)) {
        expect(grafana.environment, `provisioning reads $${name[1]}`).toHaveProperty(name[1]!);
      }
      expect(grafana.environment!.XRAY_QUERY_URL).toBe(
        `http://query:${compose.services.query!.environment!.QUERY_PORT}`
      );
    });

    it('reads the read key from the file xray-keys writes to a shared volume, after xray-keys has finished', () => {
      expect(keyFiles.length).toBeGreaterThan(0);
      const keyMounts = mounts('xray-keys');
      for (const keyFile of keyFiles) {
        const inGrafana = mounts('grafana').find((m) => keyFile.startsWith(`${m.to}/`));
        expect(inGrafana, `grafana mounts the folder of ${keyFile}`).toBeDefined();
        expect(Object.keys(compose.volumes ?? {}), 'a named volume, not a host folder').toContain(inGrafana!.from);
        const inKeys = keyMounts.find((m) => m.from === inGrafana!.from);
        expect(inKeys, 'xray-keys mounts the same volume').toBeDefined();
        const written = `${inKeys!.to}${keyFile.slice(inGrafana!.to.length)}`;
        const script = compose.services['xray-keys']!.entrypoint!.join(' ');
        // Written to a temporary file and moved into place, so Grafana never reads half a key.
        expect(script).toMatch(new RegExp(`\\smv \\S+ ${escapeRegExp(written)}\\s`));
        expect(script).toContain('--kind read');
      }
      expect(grafana.depends_on).toMatchObject({ 'xray-keys': { condition: 'service_completed_successfully' } });
    });
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as conventions from './index.js';

const names = new Set(
  Object.entries(conventions)
    .filter(([k]) => k.startsWith('ATTR_') || k.startsWith('EVENT_'))
    .map(([, v]) => v as string)
);
const registry = JSON.parse(readFileSync(new URL('../conventions.json', import.meta.url), 'utf8')) as {
  attributes: { name: string; const: string }[];
  enums: { const: string; members: { const: string; value: string }[] }[];
  limits: { const: string; value: string | number }[];
};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const collectorText = readFileSync(new URL('../collector/xray-collector.yaml', import.meta.url), 'utf8');

describe('semantic conventions', () => {
  it('every name is unique and lives under xray.', () => {
    const values = Object.entries(conventions)
      .filter(([k]) => k.startsWith('ATTR_') || k.startsWith('EVENT_'))
      .map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
    for (const name of names) expect(name).toMatch(/^xray\.[a-z_.]+$/);
  });

  it('exports exactly what the registry (conventions.json) defines, with the same values', () => {
    const exported = conventions as unknown as Record<string, unknown>;
    const attributes = Object.fromEntries(registry.attributes.map((a) => [a.const, a.name]));
    expect(
      Object.fromEntries([...names].map((n) => [Object.keys(exported).find((k) => exported[k] === n), n]))
    ).toEqual(attributes);
    for (const e of registry.enums) {
      expect(exported[e.const], e.const).toEqual(Object.fromEntries(e.members.map((m) => [m.const, m.value])));
    }
    for (const l of registry.limits) expect(exported[l.const], l.const).toBe(l.value);
  });

  it('README documents exactly the names the code defines', () => {
    const documented = new Set([...readme.matchAll(/^\| `(xray\.[a-z_.]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...names].sort());
  });
});

describe('collector config', () => {
  const config = parse(collectorText) as {
    receivers: Record<string, unknown>;
    processors: Record<string, unknown>;
    exporters: Record<string, { traces_endpoint?: string; encoding?: string }>;
    service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
  };

  it('uses only attribute names the conventions define', () => {
    const used = [...collectorText.matchAll(/xray\.[a-z_.]*[a-z_]/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(names, `${name} is not a convention`).toContain(name);
  });

  it('wires every pipeline to components it defines, and forwards X-Ray spans to the receiver over OTLP/HTTP protobuf', () => {
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const r of pipeline.receivers) expect(config.receivers, `${name} receiver ${r}`).toHaveProperty([r]);
      for (const p of pipeline.processors) expect(config.processors, `${name} processor ${p}`).toHaveProperty([p]);
      for (const e of pipeline.exporters) expect(config.exporters, `${name} exporter ${e}`).toHaveProperty([e]);
    }
    const xray = config.service.pipelines['traces/xray']!;
    expect(xray.processors).toContain('filter/xray-only');
    const exporter = config.exporters[xray.exporters[0]!]!;
    expect(exporter.traces_endpoint).toMatch(/\/v1\/traces$/);
    expect(exporter.encoding).toBe('proto');
  });

  it('is built into otelcol-xray with exactly the components it uses, and listens where the env says', () => {
    // builder-config.yaml: `- gomod: <module path> <version>` under receivers/processors/exporters.
    const manifest = readFileSync(new URL('../collector/builder-config.yaml', import.meta.url), 'utf8');
    const built = (kind: string) =>
      [...(new RegExp(`^${kind}s:\\n((?:  - .*\\n)+)`, 'm').exec(manifest)?.[1] ?? '').matchAll(/\/([a-z]+) v/g)]
        .map((m) => m[1]!.slice(0, -kind.length))
        .sort();
    const used = (section: Record<string, unknown>) =>
      [...new Set(Object.keys(section).map((id) => id.split('/')[0]!.replace(/_/g, '')))].sort();
    expect(built('receiver')).toEqual(used(config.receivers));
    expect(built('processor')).toEqual(used(config.processors));
    expect(built('exporter')).toEqual(used(config.exporters));
    expect(collectorText).toContain('endpoint: ${env:XRAY_COLLECTOR_HTTP_ENDPOINT:-0.0.0.0:4318}');
  });
});

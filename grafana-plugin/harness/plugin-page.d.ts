// Grafana sets the component behind @grafana/runtime's PluginPage when it starts; the package does not
// export the setter, so the preview's bundler maps this name to the module that defines it.
declare module 'grafana-runtime-plugin-page' {
  import type { PluginPageType } from '@grafana/runtime';
  export function setPluginPage(component: PluginPageType): void;
}

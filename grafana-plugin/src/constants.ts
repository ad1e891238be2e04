import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;
/** The proxy route in plugin.json: Grafana forwards it to the query API and adds the read key. */
export const PROXY_ROUTE = 'xray';
export const APP_PROXY_URL = `/api/plugin-proxy/${PLUGIN_ID}/${PROXY_ROUTE}`;

/** Runs and steps at or above this elimination ratio are highlighted. */
export const HIGH_RATIO = 0.6;

/** Settings stored in the app's jsonData (the key is in secureJsonData, never sent to the browser). */
export interface AppSettings {
  apiUrl?: string;
}

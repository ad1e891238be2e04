/** The data source's proxy route in its plugin.json: Grafana forwards it and adds the read key. */
export const DS_PROXY_ROUTE = 'xray';

/** The data source's plugin id, as provisioning and dashboards name its type. */
export const DS_PLUGIN_ID = 'xray-pipeline-datasource';

/** The uid provisioning gives the data source; the bundled dashboard refers to it. */
export const DS_UID = 'xray';

import { readProjectId, readStorageSettings, type StorageSettings } from '@xray/core';

/** Query API settings, parsed once at boot from the environment. */
export interface QueryConfig extends StorageSettings {
  host: string;
  port: number;
  projectId: string;
}

/** Reads the query API's environment; throws one clear error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  const raw = env.QUERY_PORT?.trim() || '8080';
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`QUERY_PORT must be a port number (0-65535), got ${JSON.stringify(env.QUERY_PORT)}`);
  return {
    host: env.QUERY_HOST ?? '127.0.0.1',
    port,
    projectId: readProjectId(env),
    ...readStorageSettings(env),
  };
}

import { readInteger, readProjectId, readStorageSettings, type StorageSettings } from '@xray/core';

/** Query API settings, parsed once at boot from the environment. */
export interface QueryConfig extends StorageSettings {
  host: string;
  port: number;
  projectId: string;
}

/** Reads the query API's environment; throws one clear error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return {
    host: env.QUERY_HOST ?? '127.0.0.1',
    port: readInteger(env, 'QUERY_PORT', 8080, 0, 65535),
    projectId: readProjectId(env),
    ...readStorageSettings(env),
  };
}

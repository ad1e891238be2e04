export { createApp, type QueryAppDeps } from './app.js';
export { loadConfig, type QueryConfig } from './config.js';
export { clickhouseRows, s3Payloads, type PayloadReader, type RowReader } from './store.js';

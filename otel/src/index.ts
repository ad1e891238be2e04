/**
 * X-Ray semantic conventions. The only place where X-Ray's telemetry names are spelled out:
 * the SDK writes them, the backend reads them, `README.md` documents them.
 */
export * from './attributes.js';
export * from './values.js';
export * from './payload-refs.js';

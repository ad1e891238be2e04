/**
 * X-Ray semantic conventions. The names, enumerations and limits come from one registry,
 * `otel/conventions.json`, generated into this package and the Python SDK: the SDKs write them, the
 * backend reads them, `README.md` documents them.
 */
export * from './conventions.generated.js';
export * from './values.js';
export * from './payload-refs.js';

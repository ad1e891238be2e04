import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One numbered DDL file from core/migrations. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The schema's migrations, in order. The only definition of the ClickHouse tables. One statement per file (ClickHouse's HTTP interface runs one per request). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: FILE_RE.exec(file) }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }) => ({ version: Number(match[1]), name: match[2]!, sql: readFileSync(dir + file, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * The processor's bookkeeping table: one row per applied migration. Kept apart from the numbered
 * files (it records them); like them, it gets its cluster form from `schemaStatements`.
 */
export const SCHEMA_MIGRATIONS_TABLE = 'schema_migrations';
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (version UInt32, name String, applied_at DateTime DEFAULT now())
ENGINE = ReplacingMergeTree ORDER BY version`;

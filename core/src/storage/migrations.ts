import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCreateTable } from './ddl-parse.js';
import { preview, splitTopLevel, stripComments } from './ddl-text.js';

/**
 * One numbered file from core/migrations: its statements, in order (ClickHouse's HTTP interface
 * runs one per request, so a file's statements are separated by `;`).
 *
 * A file that starts with the comment `-- xray:move <table>` moves a table's data into a new
 * shape: its two statements are `CREATE TABLE IF NOT EXISTS <table>_next (...)` (the new shape)
 * and `INSERT INTO <table>_next ... SELECT ... FROM ...` (the data, converted). The migrator copies,
 * swaps the two tables atomically and drops the old one; interrupted at any point, running it
 * again finishes the move (see {@link movePlan}).
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** The table a move migration rebuilds; undefined for a plain one. */
  move: string | undefined;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const MOVE_RE = /^\s*--\s*xray:move\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/m;

/** The schema's migrations, in order. The only definition of the ClickHouse tables. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: FILE_RE.exec(file) }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }) => parseMigration(Number(match[1]), match[2]!, readFileSync(dir + file, 'utf8')))
    .sort((a, b) => a.version - b.version);
}

/** A migration file's text read into its statements (comments kept with the statement they precede). */
export function parseMigration(version: number, name: string, sql: string): Migration {
  const statements = splitStatements(sql);
  const move = MOVE_RE.exec(sql)?.[1];
  const migration = { version, name, statements, move };
  if (statements.length === 0) throw new Error(`migration ${version}_${name} has no statement`);
  if (move !== undefined) checkMove(migration, move);
  return migration;
}

/** Top-level `;`-separated statements, without empty ones (a trailing `;` is allowed). */
function splitStatements(sql: string): string[] {
  const code = stripComments(sql);
  // Split where the comment-free text has a top-level `;`; stripComments keeps offsets only for
  // code, so split the stripped text (comments carry no statements).
  return splitTopLevel(code, ';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function checkMove(m: Migration, table: string): void {
  const [create, insert, ...extra] = m.statements;
  const next = nextTable(table);
  const fail = (what: string) => {
    throw new Error(`migration ${m.version}_${m.name} (xray:move ${table}): ${what}`);
  };
  if (!create || !insert || extra.length > 0) fail('expected exactly a CREATE TABLE and an INSERT ... SELECT');
  if (parseCreateTable(create!).table !== next) fail(`the CREATE TABLE must create ${next}`);
  if (!new RegExp(`^INSERT\\s+INTO\\s+${next}\\b[\\s\\S]*\\bSELECT\\b`, 'i').test(insert!))
    fail(`the second statement must be INSERT INTO ${next} ... SELECT: ${preview(insert!)}`);
}

/** The name of the table a move fills before the swap. */
export function nextTable(table: string): string {
  return `${table}_next`;
}

/**
 * The processor's bookkeeping table: one row per applied migration. Kept apart from the numbered
 * files (it records them); like them, it gets its cluster form from `schemaStatements`.
 */
export const SCHEMA_MIGRATIONS_TABLE = 'schema_migrations';
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (version UInt32, name String, applied_at DateTime DEFAULT now())
ENGINE = ReplacingMergeTree ORDER BY version`;

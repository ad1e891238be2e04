/** The single-node `CREATE TABLE` form the migrations use, read into its parts. Pure. */
import { depthMap, matchingParen, normalise, preview, splitTopLevel, stripComments } from './ddl-text.js';

/** The parts of a single-node `CREATE TABLE IF NOT EXISTS t (...) ENGINE = ReplacingMergeTree ...`. */
export interface ParsedCreateTable {
  table: string;
  /** What is between the outer parentheses: columns, indexes, projections, verbatim. */
  body: string;
  /** The top-level entries of `body`, trimmed and with whitespace collapsed. */
  columns: string[];
  engine: string;
  /** The engine's arguments, if any (e.g. the version column of ReplacingMergeTree(ver)). */
  engineArgs: string | undefined;
  /** Clause keyword (upper case, single-spaced: `PARTITION BY`, `ORDER BY`, ...) → its expression. */
  clauses: Map<string, string>;
  /** SETTINGS, in order. */
  settings: Array<[name: string, value: string]>;
}

// Clauses allowed after ENGINE in a MergeTree CREATE, in the order ClickHouse expects them.
export const CLAUSES = ['PARTITION BY', 'PRIMARY KEY', 'ORDER BY', 'SAMPLE BY', 'TTL', 'SETTINGS'] as const;
export const MERGE_TREE_ENGINES = new Set([
  'MergeTree',
  'ReplacingMergeTree',
  'SummingMergeTree',
  'AggregatingMergeTree',
  'CollapsingMergeTree',
  'VersionedCollapsingMergeTree',
]);

/** Parses the CREATE TABLE form our migrations use (also used by the tests to compare both forms). */
export function parseCreateTable(sql: string): ParsedCreateTable {
  const statement = stripComments(sql).trim().replace(/;\s*$/, '').trim();
  const head =
    /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:ON\s+CLUSTER\s+([A-Za-z_][A-Za-z0-9_]*)\s*)?\(/i.exec(
      statement
    );
  if (!head) throw new Error(`cluster DDL: expected "CREATE TABLE IF NOT EXISTS <table> (...)": ${preview(statement)}`);
  const open = head[0].length - 1;
  const close = matchingParen(statement, open);
  const body = statement.slice(open + 1, close);
  const rest = statement.slice(close + 1).trim();
  const engine = /^ENGINE\s*=\s*([A-Za-z]+)\s*/i.exec(rest);
  if (!engine)
    throw new Error(`cluster DDL: expected "ENGINE = ..." after the columns of ${head[1]}: ${preview(rest)}`);
  let tail = rest.slice(engine[0].length);
  let engineArgs: string | undefined;
  if (tail.startsWith('(')) {
    const end = matchingParen(tail, 0);
    engineArgs = tail.slice(1, end).trim();
    tail = tail.slice(end + 1).trim();
  }
  const clauses = splitClauses(tail, head[1]!);
  const settingsText = clauses.get('SETTINGS');
  clauses.delete('SETTINGS');
  const settings =
    settingsText === undefined
      ? []
      : splitTopLevel(settingsText, ',').map((entry): [string, string] => {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/s.exec(entry.trim());
          if (!m) throw new Error(`cluster DDL: cannot read setting ${JSON.stringify(entry.trim())} of ${head[1]}`);
          return [m[1]!, m[2]!.trim()];
        });
  return {
    table: head[1]!,
    body,
    columns: splitTopLevel(body, ',')
      .map(normalise)
      .filter((c) => c !== ''),
    engine: engine[1]!,
    engineArgs: engineArgs || undefined,
    clauses,
    settings,
  };
}

/** Splits what follows ENGINE into its clauses; anything it does not recognise throws. */
function splitClauses(tail: string, table: string): Map<string, string> {
  const starts: Array<{ clause: string; at: number; end: number }> = [];
  const re = /\b(PARTITION\s+BY|PRIMARY\s+KEY|ORDER\s+BY|SAMPLE\s+BY|TTL|SETTINGS)\b/gi;
  const depths = depthMap(tail);
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    if (depths[m.index] === 0)
      starts.push({ clause: m[1]!.toUpperCase().replace(/\s+/g, ' '), at: m.index, end: m.index + m[0].length });
  }
  if (tail.trim() !== '' && (starts.length === 0 || tail.slice(0, starts[0]!.at).trim() !== '')) {
    throw new Error(`cluster DDL: unknown clause after ENGINE of ${table}: ${preview(tail)}`);
  }
  const clauses = new Map<string, string>();
  starts.forEach((s, i) => {
    if (clauses.has(s.clause)) throw new Error(`cluster DDL: ${s.clause} appears twice in ${table}`);
    const expression = tail.slice(s.end, i + 1 < starts.length ? starts[i + 1]!.at : tail.length).trim();
    if (expression === '') throw new Error(`cluster DDL: empty ${s.clause} in ${table}`);
    clauses.set(s.clause, expression);
  });
  return clauses;
}

/**
 * The cluster form of the schema. core/migrations holds the one definition of the tables, in
 * single-node form; this module rewrites each statement for a ClickHouse cluster (shards ×
 * replicas, coordinated by ClickHouse Keeper):
 *
 * - `CREATE TABLE IF NOT EXISTS t (...) ENGINE = ReplacingMergeTree ...` becomes
 *   1. `t_local ON CLUSTER c`, engine `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/<db>/t_local', '{replica}')`,
 *      same columns, PARTITION BY, ORDER BY and settings (`non_replicated_deduplication_window`
 *      becomes `replicated_deduplication_window` of the same size: replicated tables de-duplicate
 *      inserts by `insert_deduplication_token` within it), and
 *   2. `t ON CLUSTER c AS t_local ENGINE = Distributed(c, <db>, t_local, <sharding key>)`, so the
 *      plain names the services insert into and query keep working unchanged.
 * - `ALTER TABLE t <column changes>` becomes the same ALTER `ON CLUSTER c` on `t_local`, then on `t`.
 *
 * Anything else throws: better no DDL than wrong DDL. Pure (no I/O); the processor runs the output.
 */

/** A cluster to create the schema on: its name (as in `remote_servers`) and the database. */
export interface ClusterTarget {
  cluster: string;
  database: string;
}

/**
 * How rows are spread over shards. ReplacingMergeTree replaces duplicates only within one
 * shard (and `FINAL` only merges within one shard), so every copy of a row — a re-delivered span,
 * a retried insert — must land on the shard that holds the first copy: the key is a function of
 * the row's identity (its ORDER BY key) only, never of rand() or the insert time. Beyond that:
 * - runs and steps by `run_id`: a run and all its steps live on one shard, so "a run and its
 *   steps" is answered by one shard, and the identity (project_id, run_id[, step_id]) contains run_id.
 * - decision_events by `step_id`: the identity is (project_id, step_id, seq); one step's decisions
 *   (possibly thousands) stay together for the "decisions of a step" read, while a run with many
 *   steps spreads its decisions, the bulk of the data, over the shards.
 * - schema_migrations by `version`: the processor's bookkeeping, one row per applied migration.
 * A table missing here cannot get a cluster form: add it, with its reason.
 */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  runs: 'cityHash64(run_id)',
  steps: 'cityHash64(run_id)',
  decision_events: 'cityHash64(step_id)',
  item_decisions: 'cityHash64(item_id)',
  schema_migrations: 'cityHash64(version)',
};

/** Suffix of the replicated table under each Distributed table. */
export const LOCAL_SUFFIX = '_local';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `value` is a plain identifier (safe to splice into DDL unquoted). */
export function assertIdentifier(value: string, what: string): string {
  if (!IDENTIFIER.test(value))
    throw new Error(`${what} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(value)}`);
  return value;
}

/** `CREATE DATABASE`, on every host of the cluster when there is one. */
export function createDatabaseStatement(database: string, cluster?: string): string {
  assertIdentifier(database, 'ClickHouse database name');
  if (cluster === undefined) return `CREATE DATABASE IF NOT EXISTS ${database}`;
  return `CREATE DATABASE IF NOT EXISTS ${database} ON CLUSTER ${assertIdentifier(cluster, 'ClickHouse cluster name')}`;
}

/** The statements to run for one single-node DDL statement: itself without a cluster, its cluster form with one. */
export function schemaStatements(sql: string, target?: ClusterTarget): string[] {
  return target === undefined ? [sql] : clusterStatements(sql, target);
}

/** The cluster form of one single-node DDL statement (see the module comment), in the order to run them. */
export function clusterStatements(sql: string, target: ClusterTarget): string[] {
  const cluster = assertIdentifier(target.cluster, 'ClickHouse cluster name');
  const database = assertIdentifier(target.database, 'ClickHouse database name');
  const statement = stripComments(sql).trim().replace(/;\s*$/, '').trim();
  if (/^CREATE\s+TABLE\b/i.test(statement)) return createTable(statement, cluster, database);
  if (/^ALTER\s+TABLE\b/i.test(statement)) return alterTable(statement, cluster);
  throw new Error(
    `cluster DDL: unsupported statement (only CREATE TABLE IF NOT EXISTS and ALTER TABLE ... COLUMN are known): ${preview(statement)}`
  );
}

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
const CLAUSES = ['PARTITION BY', 'PRIMARY KEY', 'ORDER BY', 'SAMPLE BY', 'TTL', 'SETTINGS'] as const;
const MERGE_TREE_ENGINES = new Set([
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

function createTable(statement: string, cluster: string, database: string): string[] {
  const t = parseCreateTable(statement);
  if (!/^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+[A-Za-z_][A-Za-z0-9_]*\s*\(/i.test(statement)) {
    throw new Error(`cluster DDL: ${t.table} already names a cluster; give the single-node form`);
  }
  if (!MERGE_TREE_ENGINES.has(t.engine))
    throw new Error(
      `cluster DDL: engine ${t.engine} of ${t.table} has no replicated form here (expected a *MergeTree)`
    );
  const shardingKey = SHARDING_KEYS[t.table];
  if (shardingKey === undefined)
    throw new Error(
      `cluster DDL: no sharding key for table ${t.table}; add one to SHARDING_KEYS in core/src/storage/cluster.ts`
    );
  const local = t.table + LOCAL_SUFFIX;
  const replicationArgs = [
    `'/clickhouse/tables/{shard}/${database}/${local}'`,
    `'{replica}'`,
    ...(t.engineArgs ? [t.engineArgs] : []),
  ];
  // The single-node de-duplication window becomes the replicated one, same size.
  const settings = t.settings.map(([name, value]): [string, string] => [
    name === 'non_replicated_deduplication_window' ? 'replicated_deduplication_window' : name,
    value,
  ]);
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${local} ON CLUSTER ${cluster}`,
    `(${t.body})`,
    `ENGINE = Replicated${t.engine}(${replicationArgs.join(', ')})`,
    ...CLAUSES.filter((c) => c !== 'SETTINGS' && t.clauses.has(c)).map((c) => `${c} ${t.clauses.get(c)}`),
    ...(settings.length > 0 ? [`SETTINGS ${settings.map(([n, v]) => `${n} = ${v}`).join(', ')}`] : []),
  ];
  return [
    lines.join('\n'),
    `CREATE TABLE IF NOT EXISTS ${t.table} ON CLUSTER ${cluster} AS ${local}\nENGINE = Distributed(${cluster}, ${database}, ${local}, ${shardingKey})`,
  ];
}

// Column changes apply to the replicated table and to the Distributed table over it (which has
// the same columns but no data, indexes or keys). Index, key, TTL or settings changes concern the
// replicated table only and are not supported here yet: they would fail on the Distributed table.
const COLUMN_ACTION = /^(ADD|DROP|MODIFY|COMMENT)\s+COLUMN\b/i;

function alterTable(statement: string, cluster: string): string[] {
  const m = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+(?!ON\s+CLUSTER\b)(.+)$/is.exec(statement);
  if (!m)
    throw new Error(`cluster DDL: expected "ALTER TABLE <table> <actions>" in single-node form: ${preview(statement)}`);
  const table = m[1]!;
  const actions = m[2]!.trim();
  for (const action of splitTopLevel(actions, ',')) {
    if (!COLUMN_ACTION.test(action.trim())) {
      throw new Error(
        `cluster DDL: unsupported ALTER action on ${table} (only ADD/DROP/MODIFY/COMMENT COLUMN are known): ${preview(action.trim())}`
      );
    }
  }
  if (SHARDING_KEYS[table] === undefined)
    throw new Error(
      `cluster DDL: no sharding key for table ${table}; add one to SHARDING_KEYS in core/src/storage/cluster.ts`
    );
  // The replicated table first: the Distributed table must never have a column its shards lack.
  return [
    `ALTER TABLE ${table}${LOCAL_SUFFIX} ON CLUSTER ${cluster}\n    ${actions}`,
    `ALTER TABLE ${table} ON CLUSTER ${cluster}\n    ${actions}`,
  ];
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

/** Removes `--` and block comments outside string literals and quoted identifiers. */
function stripComments(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(sql, i);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('cluster DDL: unterminated /* comment');
      out += ' ';
      i = end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** Index of the quote closing the literal that starts at `start` (backslash escapes and doubled quotes). */
function quoteEnd(sql: string, start: number): number {
  const q = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === q) {
      if (sql[i + 1] === q) i++;
      else return i;
    }
  }
  throw new Error(`cluster DDL: unterminated quoted text: ${preview(sql.slice(start))}`);
}

/** Parenthesis depth at each character; -1 inside quoted text, so nothing there is taken for syntax. */
function depthMap(sql: string): number[] {
  const depths = new Array<number>(sql.length);
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(sql, i);
      for (let j = i; j <= end; j++) depths[j] = -1;
      i = end;
      continue;
    }
    if (c === '(') depths[i] = depth++;
    else if (c === ')') depths[i] = --depth;
    else depths[i] = depth;
    if (depth < 0) throw new Error(`cluster DDL: unbalanced ")": ${preview(sql)}`);
  }
  if (depth !== 0) throw new Error(`cluster DDL: unbalanced "(": ${preview(sql)}`);
  return depths;
}

function matchingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') i = quoteEnd(sql, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`cluster DDL: unbalanced "(": ${preview(sql.slice(open))}`);
}

/** Splits at `separator` outside parentheses and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const depths = depthMap(text);
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === separator && depths[i] === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function preview(text: string): string {
  const flat = normalise(text);
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}

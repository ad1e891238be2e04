import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Session } from 'chdb';

/**
 * ClickHouse's HTTP interface, served by the embedded engine (chDB). Just enough of the protocol
 * for `@clickhouse/client`: `/ping`, queries in the URL or the body, `param_*` bindings, settings
 * as URL parameters, INSERT data in the body, `database`, gzip, and errors in ClickHouse's own
 * shape. Production talks to a real ClickHouse server through the same client and SQL.
 */
export interface ClickHouseHttpServerOptions {
  /** Folder that holds the data; kept across restarts. One process per folder (chDB locks it). */
  dataDir: string;
}

// URL parameters that are about the HTTP exchange itself, not ClickHouse settings to apply.
const TRANSPORT_PARAMS = new Set([
  'query',
  'query_id',
  'database',
  'session_id',
  'session_timeout',
  'session_check',
  'default_format',
  'user',
  'password',
  'enable_http_compression',
  'http_zlib_compression_level',
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'client_protocol_version',
]);

const INSERT_RE =
  /^\s*INSERT\s+INTO\s+([`"\w.]+)\s*(\(([^)]*)\))?\s*FORMAT\s+(JSONEachRow|JSONCompactEachRow|TabSeparated|TSV|CSV)\s*$/i;
const FORMAT_SUFFIX_RE = /\bFORMAT\s+(\w+)\s*;?\s*$/i;
const SETTING_NAME_RE = /^[a-z_][a-z0-9_]*$/i;

interface ParsedRequest {
  sql: string;
  body: Buffer;
  database: string;
  params: Record<string, string>;
  settings: Record<string, string>;
  queryId: string;
}

/** Serves ClickHouse's HTTP interface over a chDB session. Queries run one at a time. */
export class ClickHouseHttpServer {
  readonly #session: Session;
  readonly #server: Server;
  #queue: Promise<unknown> = Promise.resolve();
  #currentDatabase = 'default';

  constructor(options: ClickHouseHttpServerOptions) {
    this.#session = new Session(options.dataDir);
    // A ClickHouse server takes URLs of up to 1 MiB (http_max_uri_size), parameters included; Node's default is 16 KiB.
    this.#server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => sendError(res, err));
    });
    this.#server.keepAliveTimeout = 10_000;
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        const address = this.#server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting requests, waits for running queries, releases the data folder. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await this.#queue.catch(() => undefined);
    this.#session.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    const parsed = await parseRequest(req, url);
    const result = await this.#serialise(() => this.#execute(parsed));
    const gzip =
      url.searchParams.get('enable_http_compression') === '1' &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const headers: Record<string, string> = {
      'Content-Type': result.contentType,
      'X-ClickHouse-Query-Id': parsed.queryId,
      'X-ClickHouse-Format': result.format,
      'X-ClickHouse-Summary': JSON.stringify({
        written_rows: String(result.writtenRows),
        read_rows: String(result.readRows),
      }),
    };
    let body = result.body;
    if (gzip && body.length > 0) {
      body = gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    res.writeHead(200, headers).end(body);
  }

  #serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #execute(
    request: ParsedRequest
  ): Promise<{ body: Buffer; format: string; contentType: string; writtenRows: number; readRows: number }> {
    if (request.database !== this.#currentDatabase) {
      await this.#session.queryAsync(`USE ${quoteIdentifier(request.database)}`);
      this.#currentDatabase = request.database;
    }
    const insert = INSERT_RE.exec(request.sql);
    if (insert && request.body.length > 0) {
      const [, table, , columns, format] = insert;
      const summary = await this.#session.insert({
        table: table!.replace(/[`"]/g, ''),
        values: request.body,
        format: format as 'JSONEachRow',
        ...(columns ? { columns: columns.split(',').map((c) => c.trim().replace(/[`"]/g, '')) } : {}),
        settings: request.settings,
      });
      return {
        body: Buffer.alloc(0),
        format: format!,
        contentType: 'text/plain; charset=UTF-8',
        writtenRows: summary.rowsWritten,
        readRows: 0,
      };
    }
    const sql =
      request.body.length > 0 && request.sql !== ''
        ? `${request.sql}\n${request.body.toString('utf8')}`
        : request.sql || request.body.toString('utf8');
    const format = FORMAT_SUFFIX_RE.exec(sql)?.[1] ?? 'TabSeparated';
    const names = Object.keys(request.settings);
    for (const name of names) await this.#session.queryAsync(`SET ${name} = ${quoteLiteral(request.settings[name]!)}`);
    try {
      const result =
        Object.keys(request.params).length > 0
          ? await this.#session.queryBindAsync(sql, request.params, { format })
          : await this.#session.queryAsync(sql, { format });
      return {
        body: Buffer.from(result.bytes()),
        format,
        contentType: format.startsWith('JSON') ? 'application/json; charset=UTF-8' : 'text/plain; charset=UTF-8',
        writtenRows: 0,
        readRows: result.rowsRead,
      };
    } finally {
      for (const name of names) await this.#session.queryAsync(`SET ${name} = DEFAULT`).catch(() => undefined);
    }
  }
}

async function parseRequest(req: IncomingMessage, url: URL): Promise<ParsedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body = Buffer.concat(chunks);
  if (String(req.headers['content-encoding'] ?? '').includes('gzip')) body = gunzipSync(body);
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] = unescapeParam(value);
    else if (!TRANSPORT_PARAMS.has(key)) {
      if (!SETTING_NAME_RE.test(key)) throw new HttpError(400, 115, `Unknown setting ${key}`);
      settings[key] = value;
    }
  }
  return {
    sql: url.searchParams.get('query') ?? '',
    body,
    database: url.searchParams.get('database') ?? 'default',
    params,
    settings,
    queryId: url.searchParams.get('query_id') ?? crypto.randomUUID(),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly clickhouseCode: number,
    message: string
  ) {
    super(message);
  }
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = err as { clickhouseCode?: number; status?: number; message?: string };
  const code = e.clickhouseCode ?? Number(/Code: (\d+)/.exec(e.message ?? '')?.[1] ?? 1002);
  const message = (e.message ?? String(err)).startsWith('Code:')
    ? e.message!
    : `Code: ${code}. DB::Exception: ${e.message ?? String(err)}`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(e.status ?? (code === 60 || code === 81 ? 404 : code === 62 || code === 47 ? 400 : 500), {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(code),
    })
    .end(`${message}\n`);
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', a: '\x07', v: '\v' };

/**
 * Parameter values arrive escaped as ClickHouse's HTTP interface expects them (TSV rules: `\'`,
 * `\\`, `\t`, ...); the server un-escapes them before binding, and so does this one.
 */
export function unescapeParam(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c) : value;
}

function quoteIdentifier(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One logger for every service: state changes and failures (not one line per request), as logfmt
 * lines on stderr, e.g.
 * `time=2025-11-26T04:27:42.000Z level=warn service=processor msg="batch failed (...)" consumer=processor-1`.
 * logfmt keeps `npm start`'s merged output readable and is parsed by Loki, Vector and Grafana alike.
 */

export type LogLevel = 'info' | 'warn' | 'error';

/** Extra `key=value` pairs of a line; undefined values are left out. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Where a service reports what happens to it. A plain object with these three methods fits in tests. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything: the default of every component, so tests and embedders stay quiet. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface LoggerOptions {
  /** The `service=` of every line: `receiver`, `processor`, `query`. */
  service: string;
  /** Receives each line, without its newline (default: stderr). */
  write?: (line: string) => void;
  /** Clock of `time=` (default: now). */
  now?: () => Date;
}

/** A logger writing one logfmt line per call. Writes to a pipe are synchronous on Linux: a line logged just before `process.exit` or SIGKILL is not lost. */
export function createLogger(o: LoggerOptions): Logger {
  const write = o.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = o.now ?? (() => new Date());
  const at = (level: LogLevel) => (message: string, fields?: LogFields) =>
    write(formatLogLine({ time: now(), level, service: o.service, message, fields }));
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** The same logger with `fields` added to every line (e.g. the processor's consumer name). */
export function withFields(logger: Logger, fields: LogFields): Logger {
  const at = (level: LogLevel) => (message: string, extra?: LogFields) =>
    logger[level](message, extra ? { ...fields, ...extra } : fields);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** One logfmt line: time, level, service and msg first, then the fields in the order given. */
export function formatLogLine(r: {
  time: Date;
  level: LogLevel;
  service: string;
  message: string;
  fields?: LogFields;
}): string {
  let line = `time=${r.time.toISOString()} level=${r.level} service=${value(r.service)} msg=${value(r.message)}`;
  for (const [key, v] of Object.entries(r.fields ?? {})) if (v !== undefined) line += ` ${key}=${value(String(v))}`;
  return line;
}

/** Bare when it is one plain word, else quoted with JSON escapes (so a line never breaks). */
function value(text: string): string {
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** Argument parsing and dispatch for `xray`; main.ts only wires the process to {@link run}. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ManageError, openKeyStore, type RateLimits } from '@xray/auth';
import {
  alertsCreateCommand,
  alertsDeleteCommand,
  alertsEventsCommand,
  alertsListCommand,
  alertsShowCommand,
} from './alerts.js';
import { ApiError, type ApiClient, apiClient } from './api-client.js';
import {
  createKeyCommand,
  createProjectCommand,
  listCommand,
  type Output,
  revokeKeyCommand,
  UsageError,
} from './keys.js';
import { diffCommand, reasonsCommand, runsCommand, stepsCommand, whyCommand } from './questions.js';
import { COLOUR, PLAIN } from './table.js';

export const USAGE = `Usage: xray <command> [options]

Debugging questions (the query API, with a read key)
  xray runs [--pipeline <p>] [--min-ratio <0-1>] [--max-ratio <0-1>] [--status ok|error]
            [--sort time|ratio] [--from <time>] [--to <time>] [--limit <n>]
                                              runs that look wrong
  xray steps <run id>                         the run's step funnel; ▶ marks the step that eliminated most
  xray reasons <step id> [--outcome <o>]      why the step decided as it did: reasons with examples
  xray why <item id> [--run <run id>]         where the item died: in one run, or across runs
            [--pipeline <p>] [--from <time>] [--to <time>]
  xray diff <run A> <run B> [--limit <n>]     what changed between two runs of one pipeline
  xray alerts [list]                          alert rules and their state
  xray alerts show|delete <rule id>
  xray alerts create --rule '<JSON>' | --file <rule.json>
  xray alerts events [--limit <n>]            recent firing and resolved transitions

Projects and API keys (the key store)
  xray create project <id> [--name <name>]    a project, with an ingest key and a read key
  xray create key <project> --kind ingest|read [--name <name>]
                  [--spans-per-second <n>] [--bytes-per-second <n>]
  xray revoke key <key id | key>
  xray list [--project <id>]                  projects and their keys (never the keys themselves)

Options
  --url <url>         query API (default http://127.0.0.1:8080)                        [env XRAY_QUERY_URL]
  --key <read key>    the project's read key                                           [env XRAY_READ_KEY]
  --store <setting>   where keys live: redis (default), redis:<prefix> or file:<path>  [env XRAY_AUTH_STORE]
  --redis-url <url>   Redis of the redis store (default redis://127.0.0.1:6379)       [env REDIS_URL]
  --json              machine-readable output
  -h, --help          this help
`;

/** Exit codes: 0 done, 1 the command failed (API or store unreachable, unknown id…), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  colour: boolean;
  /** Show a spinner on stderr while a slow answer is awaited (stderr is a terminal). */
  progress?: boolean;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        store: { type: 'string' },
        'redis-url': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        name: { type: 'string' },
        kind: { type: 'string' },
        project: { type: 'string' },
        'spans-per-second': { type: 'string' },
        'bytes-per-second': { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
        pipeline: { type: 'string' },
        'min-ratio': { type: 'string' },
        'max-ratio': { type: 'string' },
        status: { type: 'string' },
        sort: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string' },
        run: { type: 'string' },
        outcome: { type: 'string' },
        rule: { type: 'string' },
        file: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`xray: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const style = io.colour && !values.json ? COLOUR : PLAIN;
  const print = (output: Output) =>
    io.out(values.json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
  if (QUESTIONS.has(positionals[0]!)) {
    const api = apiClient({
      url: values.url ?? io.env.XRAY_QUERY_URL ?? 'http://127.0.0.1:8080',
      key: values.key ?? io.env.XRAY_READ_KEY,
    });
    const stop = io.progress ? spinner(io) : () => undefined;
    try {
      const output = await ask(positionals, values, api, style);
      stop();
      print(output);
      return EXIT.ok;
    } catch (err) {
      stop();
      if (err instanceof UsageError) {
        io.err(`xray: ${err.message}\n\n${USAGE}`);
        return EXIT.usage;
      }
      if (err instanceof ApiError) {
        io.err(`xray: ${err.message}\n`);
        return EXIT.failed;
      }
      throw err;
    }
  }
  let store;
  try {
    store = openKeyStore(values.store ?? io.env.XRAY_AUTH_STORE, values['redis-url'] ?? io.env.REDIS_URL);
  } catch (err) {
    io.err(`xray: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    print(await dispatch(positionals, values, store, style));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`xray: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ManageError) {
      io.err(`xray: ${err.message}\n`);
      return EXIT.failed;
    }
    io.err(`xray: cannot reach the key store (${store.description}): ${(err as Error).message}\n`);
    return EXIT.failed;
  } finally {
    await store.close();
  }
}

type Values = {
  name?: string;
  kind?: string;
  project?: string;
  'spans-per-second'?: string;
  'bytes-per-second'?: string;
} & Record<string, string | boolean | undefined>;

const QUESTIONS = new Set(['runs', 'steps', 'reasons', 'why', 'diff', 'alerts']);

async function ask(positionals: string[], values: Values, api: ApiClient, style: typeof PLAIN): Promise<Output> {
  const [command, ...args] = positionals;
  if (command === 'alerts') return alerts(args, values, api, style);
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const take = (count: number, what: string) => {
    if (args.length < count) throw new UsageError(`\`xray ${command}\` needs ${what}.`);
    if (args.length > count) throw new UsageError(`Unexpected arguments: ${args.slice(count).join(' ')}.`);
    return args;
  };
  switch (command) {
    case 'runs':
      take(0, 'no arguments');
      return runsCommand(
        api,
        {
          pipeline: text('pipeline'),
          minRatio: text('min-ratio'),
          maxRatio: text('max-ratio'),
          status: text('status'),
          sort: text('sort'),
          from: text('from'),
          to: text('to'),
          limit: text('limit'),
        },
        style
      );
    case 'steps':
      return stepsCommand(api, take(1, 'a run id')[0]!, style);
    case 'reasons':
      return reasonsCommand(api, take(1, 'a step id')[0]!, text('outcome'), style);
    case 'why':
      return whyCommand(
        api,
        take(1, 'an item id')[0]!,
        { run: text('run'), pipeline: text('pipeline'), from: text('from'), to: text('to'), limit: text('limit') },
        style
      );
    default: {
      const [a, b] = take(2, 'two run ids');
      return diffCommand(api, a!, b!, text('limit'), style);
    }
  }
}

async function alerts(args: string[], values: Values, api: ApiClient, style: typeof PLAIN): Promise<Output> {
  const [sub = 'list', id, ...extra] = args;
  if (extra.length) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  const needId = () => {
    if (!id) throw new UsageError(`\`xray alerts ${sub}\` needs a rule id (xray alerts list shows them).`);
    return id;
  };
  switch (sub) {
    case 'list':
      return alertsListCommand(api, style);
    case 'show':
      return alertsShowCommand(api, needId(), style);
    case 'delete':
      return alertsDeleteCommand(api, needId());
    case 'events':
      return alertsEventsCommand(api, typeof values.limit === 'string' ? values.limit : undefined, style);
    case 'create': {
      const rule =
        typeof values.rule === 'string'
          ? values.rule
          : typeof values.file === 'string'
            ? await readFile(values.file, 'utf8').catch((err: Error) => {
                throw new UsageError(`cannot read ${String(values.file)}: ${err.message}`);
              })
            : undefined;
      if (rule === undefined) throw new UsageError("`xray alerts create` needs --rule '<JSON>' or --file <rule.json>.");
      try {
        return await alertsCreateCommand(api, rule, style);
      } catch (err) {
        if (err instanceof SyntaxError) throw new UsageError(err.message);
        throw err;
      }
    }
    default:
      throw new UsageError(`Unknown command "alerts ${sub}"; use list, show, create, delete or events.`);
  }
}

/** A spinner on stderr once an answer takes over 300 ms; returns the function that clears it. */
function spinner(io: Io): () => void {
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let i = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const delay = setTimeout(() => {
    ticker = setInterval(() => io.err(`\r${frames[i++ % frames.length]} asking the query API…`), 100);
  }, 300);
  return () => {
    clearTimeout(delay);
    if (ticker) {
      clearInterval(ticker);
      io.err('\r\u001b[K');
    }
  };
}

function dispatch(
  positionals: string[],
  values: Values,
  store: Parameters<typeof listCommand>[0],
  style: typeof PLAIN
): Promise<Output> {
  const [verb, noun, arg, ...extra] = positionals;
  const command = noun === undefined ? verb : `${verb} ${noun}`;
  const needs = (what: string) => {
    if (!arg) throw new UsageError(`\`xray ${command}\` needs ${what}.`);
    if (extra.length) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
    return arg;
  };
  switch (command) {
    case 'create project':
      return createProjectCommand(store, needs('a project id'), values.name, style);
    case 'create key':
      return createKeyCommand(
        store,
        needs('a project id'),
        values.kind,
        { name: values.name, limits: limits(values) },
        style
      );
    case 'revoke key':
      return revokeKeyCommand(store, needs('a key id'), style);
    case 'list':
      if (positionals.length > 1)
        throw new UsageError(`\`xray list\` takes no arguments; use --project <id> to pick one.`);
      return listCommand(store, values.project, style);
    default:
      throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
  }
}

function limits(values: Values): RateLimits | undefined {
  const read = (flag: 'spans-per-second' | 'bytes-per-second'): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new UsageError(`--${flag} must be a whole number ≥ 0 (0 = unlimited), not "${raw}".`);
    return n;
  };
  const spansPerSecond = read('spans-per-second');
  const bytesPerSecond = read('bytes-per-second');
  if (spansPerSecond === undefined && bytesPerSecond === undefined) return undefined;
  return {
    ...(spansPerSecond !== undefined && { spansPerSecond }),
    ...(bytesPerSecond !== undefined && { bytesPerSecond }),
  };
}

/** Argument parsing and dispatch for `xray`; main.ts only wires the process to {@link run}. */
import { parseArgs } from 'node:util';
import { ManageError, openKeyStore, type RateLimits } from '@xray/auth';
import { createKeyCommand, createProjectCommand, listCommand, type Output, revokeKeyCommand, UsageError } from './keys.js';
import { COLOUR, PLAIN } from './table.js';

export const USAGE = `Usage: xray <command> [options]

Projects and API keys
  xray create project <id> [--name <name>]    a project, with an ingest key and a read key
  xray create key <project> --kind ingest|read [--name <name>]
                  [--spans-per-second <n>] [--bytes-per-second <n>]
  xray revoke key <key id | key>
  xray list [--project <id>]                  projects and their keys (never the keys themselves)

Options
  --store <setting>   where keys live: redis (default), redis:<prefix> or file:<path>  [env XRAY_AUTH_STORE]
  --redis-url <url>   Redis of the redis store (default redis://127.0.0.1:6379)       [env REDIS_URL]
  --json              machine-readable output
  -h, --help          this help
`;

/** Exit codes: 0 done, 1 the command failed (store unreachable, unknown project…), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  colour: boolean;
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
  let store;
  try {
    store = openKeyStore(values.store ?? io.env.XRAY_AUTH_STORE, values['redis-url'] ?? io.env.REDIS_URL);
  } catch (err) {
    io.err(`xray: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    const output = await dispatch(positionals, values, store, style);
    io.out(values.json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
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

type Values = { name?: string; kind?: string; project?: string; 'spans-per-second'?: string; 'bytes-per-second'?: string };

function dispatch(positionals: string[], values: Values, store: Parameters<typeof listCommand>[0], style: typeof PLAIN): Promise<Output> {
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
      return createKeyCommand(store, needs('a project id'), values.kind, { name: values.name, limits: limits(values) }, style);
    case 'revoke key':
      return revokeKeyCommand(store, needs('a key id'), style);
    case 'list':
      if (positionals.length > 1) throw new UsageError(`\`xray list\` takes no arguments; use --project <id> to pick one.`);
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
    if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number ≥ 0 (0 = unlimited), not "${raw}".`);
    return n;
  };
  const spansPerSecond = read('spans-per-second');
  const bytesPerSecond = read('bytes-per-second');
  if (spansPerSecond === undefined && bytesPerSecond === undefined) return undefined;
  return { ...(spansPerSecond !== undefined && { spansPerSecond }), ...(bytesPerSecond !== undefined && { bytesPerSecond }) };
}

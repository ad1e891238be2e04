/**
 * The key-store commands: which one a command line names (`create project`, `create key`, `revoke key`,
 * `list`, `set retention`, `delete project`), and its arguments.
 */
import { type KeyStore, type RateLimits, retentionDefault } from '@xray/auth';
import {
  createKeyCommand,
  createProjectCommand,
  listCommand,
  type Output,
  revokeKeyCommand,
  UsageError,
} from './keys.js';
import type { Values } from './options.js';
import { deleteProjectCommand, setRetentionCommand } from './projects.js';
import type { Style } from './table.js';

/** Runs the key-store command `positionals` names; `env` holds XRAY_RETENTION_DAYS, the deployment's default retention. */
export function manage(
  positionals: string[],
  values: Values,
  store: KeyStore,
  style: Style,
  env: Readonly<Record<string, string | undefined>> = {}
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
      return listCommand(store, values.project, defaultRetention(env), style);
    case 'set retention': {
      if (!arg || extra.length !== 1)
        throw new UsageError(
          '`xray set retention` needs a project id and a number of days, as in: xray set retention shop 7.'
        );
      return setRetentionCommand(store, arg, extra[0]!, defaultRetention(env), style);
    }
    case 'delete project':
      return deleteProjectCommand(store, needs('a project id'), values.confirm, style);
    default:
      if (verb === 'delete')
        throw new UsageError(
          `Unknown command "${positionals.join(' ')}"; use xray delete run <run id> or xray delete project <id> --confirm <id>.`
        );
      throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
  }
}

/** XRAY_RETENTION_DAYS, or 30 days; a bad value is a usage mistake. */
function defaultRetention(env: Readonly<Record<string, string | undefined>>): number {
  try {
    return retentionDefault(env);
  } catch (err) {
    throw new UsageError((err as Error).message);
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

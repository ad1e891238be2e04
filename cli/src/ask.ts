/**
 * The commands answered by the query API (the debugging questions, the alert commands, `delete run`):
 * which command a command line names, its arguments, and which key it sends.
 */
import { readFile } from 'node:fs/promises';
import {
  alertsCreateCommand,
  alertsDeleteCommand,
  alertsEventsCommand,
  alertsListCommand,
  alertsShowCommand,
} from './alerts.js';
import type { ApiClient, ApiKeyKind } from './api-client.js';
import { deleteRunCommand } from './delete-run.js';
import { type Output, UsageError } from './keys.js';
import { text, type Values } from './options.js';
import { payloadCommand, type PayloadOwner } from './payload.js';
import { diffCommand, reasonsCommand, runsCommand, stepsCommand, whyCommand } from './questions.js';
import type { Style } from './table.js';

/** The commands answered by the query API with a read key (an admin key may read too). */
export const QUESTIONS = new Set(['runs', 'steps', 'reasons', 'why', 'diff', 'payload', 'alerts']);

/** True when the query API answers the command `positionals` names (else the key store does). */
export const asksTheApi = (positionals: readonly string[]): boolean =>
  QUESTIONS.has(positionals[0]!) || (positionals[0] === 'delete' && positionals[1] === 'run');

/**
 * The key the command sends: `--key`, else from the environment: XRAY_READ_KEY (or XRAY_ADMIN_KEY)
 * for a question, XRAY_ADMIN_KEY (or XRAY_READ_KEY, which the API refuses with a sentence) for `delete run`.
 */
export function apiKeyOf(
  positionals: readonly string[],
  key: string | undefined,
  env: Readonly<Record<string, string | undefined>>
): { key: string | undefined; keyKind: ApiKeyKind } {
  if (positionals[0] === 'delete') return { key: key ?? env.XRAY_ADMIN_KEY ?? env.XRAY_READ_KEY, keyKind: 'admin' };
  return { key: key ?? env.XRAY_READ_KEY ?? env.XRAY_ADMIN_KEY, keyKind: 'read' };
}

/** Answers the command `positionals` names (one {@link asksTheApi} is true of). */
export async function ask(positionals: string[], values: Values, api: ApiClient, style: Style): Promise<Output> {
  const [command, ...args] = positionals;
  if (command === 'alerts') return alerts(args, values, api, style);
  if (command === 'delete') {
    const [, runId, ...extra] = args;
    if (!runId) throw new UsageError('`xray delete run` needs a run id (xray runs shows them).');
    if (extra.length) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
    return deleteRunCommand(api, runId, style);
  }
  const take = (count: number, what: string) => {
    if (args.length < count) throw new UsageError(`\`xray ${command}\` needs ${what}.`);
    if (args.length > count) throw new UsageError(`Unexpected arguments: ${args.slice(count).join(' ')}.`);
    return args;
  };
  const option = (name: keyof Values) => text(values, name);
  switch (command) {
    case 'runs':
      take(0, 'no arguments');
      return runsCommand(
        api,
        {
          pipeline: option('pipeline'),
          minRatio: option('min-ratio'),
          maxRatio: option('max-ratio'),
          status: option('status'),
          sort: option('sort'),
          from: option('from'),
          to: option('to'),
          limit: option('limit'),
        },
        style
      );
    case 'steps':
      return stepsCommand(api, take(1, 'a run id')[0]!, style);
    case 'reasons':
      return reasonsCommand(api, take(1, 'a step id')[0]!, option('outcome'), style);
    case 'payload':
      return payloadCommand(api, payloadOwner(args, values), { field: option('field'), out: option('out') }, style);
    case 'why':
      return whyCommand(
        api,
        take(1, 'an item id')[0]!,
        {
          run: option('run'),
          pipeline: option('pipeline'),
          from: option('from'),
          to: option('to'),
          limit: option('limit'),
        },
        style
      );
    default: {
      const [a, b] = take(2, 'two run ids');
      return diffCommand(api, a!, b!, option('limit'), style);
    }
  }
}

/** `xray payload <event id>`, `--run <run id>` or `--step <step id>`: exactly one. */
function payloadOwner(args: string[], values: Values): PayloadOwner {
  const given: PayloadOwner[] = [
    ...args.map((id) => ({ kind: 'decision' as const, id })),
    ...(['run', 'step'] as const).flatMap((kind) => {
      const id = text(values, kind);
      return id === undefined ? [] : [{ kind, id }];
    }),
  ];
  if (given.length !== 1)
    throw new UsageError(
      '`xray payload` needs one of: a decision id (<step id>-<seq>), --run <run id>, --step <step id>.'
    );
  return given[0]!;
}

async function alerts(args: string[], values: Values, api: ApiClient, style: Style): Promise<Output> {
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
      return alertsEventsCommand(api, text(values, 'limit'), style);
    case 'create': {
      const file = text(values, 'file');
      const rule =
        text(values, 'rule') ??
        (file === undefined
          ? undefined
          : await readFile(file, 'utf8').catch((err: Error) => {
              throw new UsageError(`cannot read ${file}: ${err.message}`);
            }));
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

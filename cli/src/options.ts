/** The command line of `xray`: every option any command takes, parsed once. */
import { parseArgs } from 'node:util';

const OPTIONS = {
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
  step: { type: 'string' },
  field: { type: 'string' },
  out: { type: 'string', short: 'o' },
  outcome: { type: 'string' },
  rule: { type: 'string' },
  file: { type: 'string' },
  confirm: { type: 'string' },
} as const;

/** The options and the words of a command line; throws a TypeError naming an unknown option. */
export function parseCommandLine(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
}

/** The options given, by name. */
export type Values = ReturnType<typeof parseCommandLine>['values'];

/** A string option, if given. */
export const text = (values: Values, name: keyof Values): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** `xray`: reads the command line, runs the command, prints; main.ts only wires the process to {@link run}. */
import { ManageError, openKeyStore } from '@xray/auth';
import { ApiError, apiClient } from './api-client.js';
import { apiKeyOf, ask, asksTheApi } from './ask.js';
import { type Output, UsageError } from './keys.js';
import { manage } from './manage.js';
import { parseCommandLine } from './options.js';
import { spinner } from './spinner.js';
import { COLOUR, PLAIN } from './table.js';
import { ExitCodes, USAGE } from './usage.js';

export { ExitCodes, USAGE } from './usage.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  colour: boolean;
  /** Show a spinner on stderr while a slow answer is awaited (stderr is a terminal). */
  progress?: boolean;
}

/** Runs `xray <argv>`; resolves to the exit code ({@link ExitCodes}). */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.err(`xray: ${(err as Error).message}\n\n${USAGE}`);
    return ExitCodes.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? ExitCodes.OK : ExitCodes.USAGE;
  }
  const style = io.colour && !values.json ? COLOUR : PLAIN;
  const print = (output: Output) =>
    io.out(values.json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
  const usage = (err: UsageError) => {
    io.err(`xray: ${err.message}\n\n${USAGE}`);
    return ExitCodes.USAGE;
  };

  if (asksTheApi(positionals)) {
    const api = apiClient({
      url: values.url ?? io.env.XRAY_QUERY_URL ?? 'http://127.0.0.1:8080',
      ...apiKeyOf(positionals, values.key, io.env),
    });
    const stop = io.progress ? spinner(io.err) : () => undefined;
    try {
      const output = await ask(positionals, values, api, style);
      stop();
      print(output);
      return ExitCodes.OK;
    } catch (err) {
      stop();
      if (err instanceof UsageError) return usage(err);
      if (err instanceof ApiError) {
        io.err(`xray: ${err.message}\n`);
        return ExitCodes.FAILED;
      }
      throw err;
    }
  }

  let store;
  try {
    store = openKeyStore(values.store ?? io.env.XRAY_AUTH_STORE, values['redis-url'] ?? io.env.REDIS_URL);
  } catch (err) {
    io.err(`xray: ${(err as Error).message}\n`);
    return ExitCodes.USAGE;
  }
  try {
    print(await manage(positionals, values, store, style, io.env));
    return ExitCodes.OK;
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    if (err instanceof ManageError) {
      io.err(`xray: ${err.message}\n`);
      return ExitCodes.FAILED;
    }
    io.err(`xray: cannot reach the key store (${store.description}): ${(err as Error).message}\n`);
    return ExitCodes.FAILED;
  } finally {
    await store.close();
  }
}

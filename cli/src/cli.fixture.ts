// Runs the xray command in a test as a terminal would, without a process.
import { run } from './cli.js';

/** What one `xray …` did: its exit code and what it printed on stdout and stderr. */
export interface XrayRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `xray <argv>` with `env` as its environment, without colour. */
export async function xrayWith(env: Record<string, string | undefined>, ...argv: string[]): Promise<XrayRun> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t), env, colour: false });
  return { code, out, err };
}

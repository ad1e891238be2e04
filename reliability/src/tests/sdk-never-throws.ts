import { freePort } from '@xray/stack';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { scaled } from '../util.js';
import { runChild } from './child.js';

interface HostileReport {
  calls: number;
  escaped: number;
  ownErrors: number;
  ownReturned: number;
  uncaught: number;
  unhandled: number;
  firstEscaped?: string;
}

/**
 * Thousands of SDK calls with hostile values (null, cyclic, huge, throwing getters and toJSON,
 * proxies that throw on every trap, BigInt, symbols, unknown run ids, calls after shutdown) and
 * throwing callbacks, with the receiver unreachable, in a child process: nothing but the caller's
 * own errors comes back, no promise is left rejected, nothing is thrown asynchronously.
 */
export const sdkNeverThrows: ReliabilityTest = {
  name: 'sdk-never-throws',
  timeoutSeconds: 90,
  async run(ctx) {
    const endpoint = `http://127.0.0.1:${await freePort()}/v1/traces`; // nothing listens there
    const calls = scaled(5000, ctx.scale);
    const child = await runChild<HostileReport>(
      'sdk-hostile.js',
      [endpoint, String(calls), '20261126'],
      ctx.log,
      80_000
    );
    const r = child.report;
    const v = new Verdict().set({
      calls: r?.calls ?? 0,
      escaped: r?.escaped ?? NaN,
      unhandled_rejections: r?.unhandled ?? NaN,
      uncaught: r?.uncaught ?? NaN,
      own_errors_returned: `${r?.ownReturned ?? 0}/${r?.ownErrors ?? 0}`,
      exit_code: String(child.code),
    });
    return v
      .require(r !== undefined, `the child printed no report (exit ${child.code})`)
      .require(r === undefined || r.calls >= calls, 'fewer calls than planned were made')
      .require(r?.escaped === 0, `escaped=${r?.escaped}${r?.firstEscaped ? ` (first: ${r.firstEscaped})` : ''}`)
      .require(r?.unhandled === 0, `unhandled_rejections=${r?.unhandled}`)
      .require(r?.uncaught === 0, `uncaught=${r?.uncaught}`)
      .require(r !== undefined && r.ownReturned === r.ownErrors, 'a caller error did not come back unchanged')
      .require(child.code === 0, `the child exited with ${child.code}`)
      .result();
  },
};

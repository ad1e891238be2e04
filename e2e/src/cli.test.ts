import type { StepListResponse } from '@xray/core/api';
import { ExitCodes, run } from '@xray/cli';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from './harness.js';
import { startItemsStack, type ItemRuns } from './items.fixture.js';

// The xray command against a running stack: the questions as tables and JSON, alert rules, errors.
let stack: TestStack;
let runs: ItemRuns;

beforeAll(async () => {
  ({ stack, runs } = await startItemsStack('cli'));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('the xray command', () => {
  async function xray(...argv: string[]) {
    let out = '';
    let err = '';
    const env = { XRAY_QUERY_URL: stack.queryUrl, XRAY_READ_KEY: stack.keys.readKey };
    const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t), env, colour: false });
    return { code, out, err };
  }

  it('answers the questions as tables, and as JSON for scripts', async () => {
    const runsOut = await xray('runs', '--pipeline', 'search', '--sort', 'ratio');
    expect(runsOut.code).toBe(ExitCodes.OK);
    const lines = runsOut.out.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+PIPELINE\s+STARTED \(UTC\)\s+STATUS\s+STEPS\s+IN → OUT\s+ELIMINATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual([runs.a, runs.b]); // 60% before 33%

    const steps = await xray('steps', runs.a);
    expect(steps.out).toMatch(/▶\s+[0-9a-f]{16}\s+filter\s+filter\s+100 → 50\s+50\s+50\.0%\s+83\.3%/);

    const why = await xray('why', 'item-81', '--run', runs.a);
    expect(why.out.split('\n')[0]).toBe('item-81 was eliminated at cap: over cap 80');
    const across = await xray('why', 'item-85', '--pipeline', 'search', '--json');
    expect((JSON.parse(across.out) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual([
      runs.b,
      runs.a,
    ]);

    const reasons = await xray(
      'reasons',
      (JSON.parse((await xray('steps', runs.a, '--json')).out) as StepListResponse).steps[0]!.stepId,
      '--outcome',
      'eliminated'
    );
    expect(reasons.out).toMatch(
      /^DECISIONS\s+SHARE\s+REASON\s+FOR EXAMPLE\n50\s+100\.0%\s+MOD_2\s+item-0, item-2, item-4$/m
    );

    const diff = await xray('diff', runs.a, runs.b, '--limit', '3');
    expect(diff.out).toContain('search: ');
    expect(diff.out).toMatch(/filter\s+50\s+25\s+-25\s+50\.0%\s+25\.0%\s+-25\.0 pts/);
    expect(diff.out).toContain('more items: raise --limit');
  });

  it('manages alert rules', async () => {
    const rule = {
      kind: 'elimination_ratio',
      name: 'filter eats too much',
      pipeline: 'search',
      step: 'filter',
      condition: 'above',
      threshold: 0.4,
      windowSeconds: 3600,
      webhook: 'http://127.0.0.1:9/hook',
    };
    const created = await xray('alerts', 'create', '--rule', JSON.stringify(rule), '--json');
    expect(created.code).toBe(ExitCodes.OK);
    const { id } = JSON.parse(created.out) as { id: string };
    const list = await xray('alerts');
    expect(list.out).toMatch(
      new RegExp(
        `^RULE\\s+NAME\\s+KIND\\s+WATCHES\\s+FIRES WHEN\\s+WINDOW\\s+STATE\\s+LAST VALUE\\n${id}\\s+filter eats too much\\s+elimination_ratio\\s+search/filter\\s+above 0.4\\s+1h\\s+`
      )
    );
    expect((await xray('alerts', 'show', id)).out).toContain('fires when  above 0.4 over 1h');
    expect((await xray('alerts', 'events')).out).toBe('No alert has fired yet.\n');
    expect(await xray('alerts', 'create', '--rule', '{"kind":')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('the rule is not JSON'),
    });
    expect(await xray('alerts', 'create', '--rule', JSON.stringify({ ...rule, threshold: 2 }))).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringContaining('threshold'),
    });
    expect((await xray('alerts', 'delete', id)).out).toBe(`Deleted alert rule ${id}.\n`);
    expect((await xray('alerts', 'list')).out).toMatch(/^No alert rules/);
  });

  it('says what went wrong, with exit codes', async () => {
    expect(await xray('steps')).toMatchObject({
      code: ExitCodes.USAGE,
      err: expect.stringContaining('`xray steps` needs a run id'),
    });
    expect(await xray('steps', '0'.repeat(32))).toMatchObject({
      code: ExitCodes.FAILED,
      err: expect.stringMatching(/^xray: No run 0{32} in this project/),
    });
    const noKey = await run(['runs'], {
      out: () => undefined,
      err: () => undefined,
      env: { XRAY_QUERY_URL: stack.queryUrl },
      colour: false,
    });
    expect(noKey).toBe(ExitCodes.FAILED);
    let err = '';
    const down = await run(['runs', '--url', 'http://127.0.0.1:1', '--key', stack.keys.readKey], {
      out: () => undefined,
      err: (t) => (err += t),
      env: {},
      colour: false,
    });
    expect([down, err]).toEqual([
      ExitCodes.FAILED,
      expect.stringContaining('the query API does not answer at http://127.0.0.1:1'),
    ]);
  });
});

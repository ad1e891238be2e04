import { afterEach, describe, expect, it } from 'vitest';
import { PROCESSOR_STAGES } from '@xray/processor';
import { crashLine, faultEnv, faultHook, readFaultSettings, type FaultActions } from './faults.js';

// The faulty processor's fault injection: inert by default, exact about where and when it strikes.
let kills: string[] = [];
let acks: (readonly string[])[] = [];
const act: FaultActions = { kill: (why) => void kills.push(why), ack: async (ids) => void acks.push(ids) };
afterEach(() => {
  kills = [];
  acks = [];
});

describe('test-only fault injection', () => {
  it('is off unless an XRAY_FAULT_ variable is set', async () => {
    expect(readFaultSettings({})).toBeUndefined();
    const hook = faultHook(undefined, act);
    for (const stage of PROCESSOR_STAGES) await hook(stage, ['1-0']);
    expect(kills).toHaveLength(0);
    expect(acks).toHaveLength(0);
  });

  it('reads the stage, the batch count and the broken acknowledgement', () => {
    expect(readFaultSettings({ XRAY_FAULT_CRASH_AT: 'after-s3', XRAY_FAULT_CRASH_AFTER: '3' })).toEqual({
      crashAt: 'after-s3',
      crashAfter: 3,
      ackBeforeWrite: false,
    });
    expect(readFaultSettings({ XRAY_FAULT_ACK_BEFORE_WRITE: '1' })).toEqual({
      crashAt: undefined,
      crashAfter: 1,
      ackBeforeWrite: true,
    });
    expect(() => readFaultSettings({ XRAY_FAULT_CRASH_AT: 'sometime' })).toThrow(
      /XRAY_FAULT_CRASH_AT must be one of after-read/
    );
    expect(() => readFaultSettings({ XRAY_FAULT_CRASH_AT: 'after-read', XRAY_FAULT_CRASH_AFTER: '0' })).toThrow(
      /XRAY_FAULT_CRASH_AFTER/
    );
  });

  it('gives the suite the environment the faulty processor reads', () => {
    const faults = { crashAt: 'before-ack', crashAfter: 2, ackBeforeWrite: true } as const;
    expect(readFaultSettings(faultEnv(faults))).toEqual(faults);
  });

  it('kills once, the n-th time a batch reaches the configured stage, and nowhere else', async () => {
    const hook = faultHook({ crashAt: 'after-clickhouse', crashAfter: 2, ackBeforeWrite: false }, act);
    await hook('after-s3', ['1-0']);
    await hook('after-clickhouse', ['1-0']);
    expect(kills).toHaveLength(0);
    await hook('after-clickhouse', ['2-0']);
    expect(kills).toEqual([`${crashLine('after-clickhouse')} of batch 2`]);
    await hook('after-clickhouse', ['3-0']);
    expect(kills).toHaveLength(1);
  });

  it('acknowledges before writing only when asked to', async () => {
    await faultHook({ crashAt: 'before-ack', crashAfter: 1, ackBeforeWrite: false }, act)('after-read', ['1-0']);
    const broken = faultHook({ crashAt: undefined, crashAfter: 1, ackBeforeWrite: true }, act);
    for (const stage of PROCESSOR_STAGES) await broken(stage, ['2-0', '2-1']);
    expect(acks).toEqual([['2-0', '2-1']]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { faultAckBeforeWrite, faultPoint, installFaults, readFaultSettings } from './faults.js';

// The test-only fault injection: inert by default, exact about where and when it strikes.
afterEach(() => installFaults(undefined));

describe('test-only fault injection', () => {
  it('is off unless an XRAY_FAULT_ variable is set', () => {
    expect(readFaultSettings({})).toBeUndefined();
    let kills = 0;
    installFaults(undefined, () => kills++);
    for (const stage of ['after-read', 'after-s3', 'after-clickhouse', 'before-ack'] as const) faultPoint(stage);
    expect(kills).toBe(0);
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

  it('kills once, the n-th time a batch reaches the configured stage, and nowhere else', () => {
    let kills = 0;
    installFaults({ crashAt: 'after-clickhouse', crashAfter: 2, ackBeforeWrite: false }, () => kills++);
    faultPoint('after-s3');
    faultPoint('after-clickhouse');
    expect(kills).toBe(0);
    faultPoint('after-clickhouse');
    expect(kills).toBe(1);
    faultPoint('after-clickhouse');
    expect(kills).toBe(1);
  });

  it('acknowledges before writing only when asked to', async () => {
    let acks = 0;
    await faultAckBeforeWrite(async () => void acks++);
    installFaults({ crashAt: undefined, crashAfter: 1, ackBeforeWrite: true });
    await faultAckBeforeWrite(async () => void acks++);
    expect(acks).toBe(1);
  });
});

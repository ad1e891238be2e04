import { describe, expect, it } from 'vitest';
import { formatEventId, parseEventId } from './ids.js';

describe('event ids', () => {
  it('round-trip a step id and sequence number', () => {
    expect(parseEventId(formatEventId('0123456789abcdef', 137))).toEqual({ stepId: '0123456789abcdef', seq: 137 });
  });
  it('reject malformed ids', () => {
    for (const bad of [
      '',
      'abc-1',
      '0123456789abcdef',
      '0123456789abcdef-',
      '0123456789abcdef-x',
      '0123456789ABCDEF-1',
      '0123456789abcdef-99999999999',
    ]) {
      expect(parseEventId(bad)).toBeUndefined();
    }
  });
});

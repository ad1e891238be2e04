import { describe, expect, it } from 'vitest';
import { bytes } from './format';

describe('sizes', () => {
  it('read in bytes below a KiB and in binary units with one decimal above', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1024)).toBe('1.0 KiB');
    expect(bytes(64 * 1024)).toBe('64.0 KiB');
    expect(bytes(1024 * 1024)).toBe('1.0 MiB');
    expect(bytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(bytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('never reads 1024.0 of a unit: just under a MiB is 1.0 MiB', () => {
    expect(bytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(bytes(1024 * 1024 - 40)).toBe('1.0 MiB');
    expect(bytes(1024 * 1024 - 60)).toBe('1023.9 KiB');
    expect(bytes(1000 * 1024)).toBe('1000.0 KiB');
  });
});

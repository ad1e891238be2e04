import { describe, expect, it } from 'vitest';
import { createLogger, withFields } from './logger.js';

const time = new Date('2025-11-26T04:27:42.000Z');

function capture(service: string) {
  const lines: string[] = [];
  return { lines, logger: createLogger({ service, write: (line) => lines.push(line), now: () => time }) };
}

describe('createLogger', () => {
  it('writes one logfmt line: time, level, service, message, then the fields', () => {
    const { lines, logger } = capture('receiver');
    logger.info('listening on http://127.0.0.1:4318', { stream: 'xray:spans', port: 4318 });
    logger.warn('ready');
    logger.error('x', { skipped: undefined, ok: false });
    expect(lines).toEqual([
      'time=2025-11-26T04:27:42.000Z level=info service=receiver msg="listening on http://127.0.0.1:4318" stream=xray:spans port=4318',
      'time=2025-11-26T04:27:42.000Z level=warn service=receiver msg=ready',
      'time=2025-11-26T04:27:42.000Z level=error service=receiver msg=x ok=false',
    ]);
  });

  it('keeps every entry on one line, quoting and escaping what needs it', () => {
    const { lines, logger } = capture('query');
    logger.error('failed:\n  at "x"', { path: 'a=b', empty: '' });
    expect(lines).toEqual([
      'time=2025-11-26T04:27:42.000Z level=error service=query msg="failed:\\n  at \\"x\\"" path="a=b" empty=""',
    ]);
  });

  it('adds bound fields to every line, and lets a line add its own', () => {
    const { lines, logger } = capture('processor');
    const consumer = withFields(logger, { consumer: 'processor-1' });
    consumer.warn('fault injection: SIGKILL at after-read of batch 2');
    consumer.info('dead-lettered', { entry: '1-0' });
    expect(lines).toEqual([
      'time=2025-11-26T04:27:42.000Z level=warn service=processor msg="fault injection: SIGKILL at after-read of batch 2" consumer=processor-1',
      'time=2025-11-26T04:27:42.000Z level=info service=processor msg=dead-lettered consumer=processor-1 entry=1-0',
    ]);
  });
});

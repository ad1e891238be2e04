import { describe, expect, it } from 'vitest';
import { byLabel, renderMetrics } from './metrics.js';

describe('renderMetrics', () => {
  it('writes HELP, TYPE and one line per sample, escaping label values', () => {
    const text = renderMetrics([
      {
        name: 'xray_receiver_requests_total',
        help: 'Answers by status.',
        type: 'counter',
        samples: byLabel('status', { '200': 3, '503': 1 }),
      },
      {
        name: 'xray_queue_length',
        help: 'Entries.',
        type: 'gauge',
        samples: [{ labels: { stream: 'a"b\\c' }, value: 7 }],
      },
    ]);
    expect(text).toBe(
      '# HELP xray_receiver_requests_total Answers by status.\n# TYPE xray_receiver_requests_total counter\n' +
        'xray_receiver_requests_total{status="200"} 3\nxray_receiver_requests_total{status="503"} 1\n' +
        '# HELP xray_queue_length Entries.\n# TYPE xray_queue_length gauge\nxray_queue_length{stream="a\\"b\\\\c"} 7\n'
    );
  });
});

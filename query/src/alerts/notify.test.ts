import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertNotification, webhookNotifier } from './notify.js';

// Deliveries to a real local HTTP server that answers as each test says.
const notification: AlertNotification = {
  rule: { id: '0123456789abcdef', name: 'r', kind: 'elimination_ratio' },
  state: 'firing',
  value: 0.9,
  threshold: 0.5,
  window: { seconds: 60, from: '2026-11-26T08:00:00.000Z', to: '2026-11-26T08:01:00.000Z' },
  project: 'p',
  at: '2026-11-26T08:01:00.000Z',
  details: [],
};
let server: Server | undefined;

async function serve(answers: number[]): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      const status = answers.shift() ?? 200;
      if (status === 0) return; // never answers
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
}

afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});

describe('webhook delivery', () => {
  it('posts the notification as JSON and retries a server error', async () => {
    const { url, bodies } = await serve([503, 200]);
    expect(await webhookNotifier({ backoffMillis: 10 })(url, notification)).toBeUndefined();
    expect(bodies).toEqual([notification, notification]);
  });

  it('gives up after its retries and says why', async () => {
    const { url, bodies } = await serve([500, 500, 500]);
    expect(await webhookNotifier({ retries: 2, backoffMillis: 10 })(url, notification)).toBe(
      'webhook answered HTTP 500'
    );
    expect(bodies).toHaveLength(3);
  });

  it('does not retry a request the webhook refuses', async () => {
    const { url, bodies } = await serve([404]);
    expect(await webhookNotifier({ backoffMillis: 10 })(url, notification)).toBe('webhook answered HTTP 404');
    expect(bodies).toHaveLength(1);
  });

  it('stops waiting for a webhook that does not answer', async () => {
    const { url } = await serve([0, 0]);
    expect(await webhookNotifier({ retries: 1, timeoutMillis: 100, backoffMillis: 10 })(url, notification)).toBe(
      'webhook did not answer within 100 ms'
    );
  });

  it('reports an unreachable webhook without throwing', async () => {
    const { url } = await serve([]);
    await new Promise((r) => server!.close(r));
    const error = await webhookNotifier({ retries: 0 })(url, notification);
    expect(error).toMatch(/^webhook unreachable: /);
  });
});

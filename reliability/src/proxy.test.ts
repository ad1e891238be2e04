import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './proxy.js';

// The fault proxy in front of a real echo server.
let echo: Server;
let port = 0;
beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  port = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

/** Sends `text` through the proxy; resolves with what came back within `waitMillis`, and whether the connection failed. */
function roundTrip(
  proxy: FaultProxy,
  text: string,
  waitMillis = 300
): Promise<{ reply: string; failed: boolean; millis: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let reply = '';
    let failed = false;
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => (failed = true));
    socket.on('close', () => (failed = failed || reply === ''));
    setTimeout(() => {
      socket.destroy();
      resolve({ reply, failed, millis: Date.now() - started });
    }, waitMillis);
  });
}

describe('the fault proxy', () => {
  it('passes traffic through, delays it, resets it and swallows it, switchable at run time', async () => {
    const proxy = await FaultProxy.start({ targetPort: port });
    try {
      expect(await roundTrip(proxy, 'hello')).toMatchObject({ reply: 'hello', failed: false });
      proxy.setMode('reset');
      expect(await roundTrip(proxy, 'hello')).toMatchObject({ reply: '', failed: true });
      proxy.setMode('blackhole');
      expect(await roundTrip(proxy, 'hello')).toMatchObject({ reply: '', failed: false });
      proxy.setMode('latency', 150);
      const slow = await roundTrip(proxy, 'late', 600);
      expect(slow.reply).toBe('late');
      proxy.setMode('pass');
      expect((await roundTrip(proxy, 'again')).reply).toBe('again');
      expect(proxy.stats.refused).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('resets open connections when storage "goes away", and shows the traffic to a tap', async () => {
    const seen: string[] = [];
    const proxy = await FaultProxy.start({
      targetPort: port,
      tap: (direction, chunk) => seen.push(`${direction}:${chunk.toString()}`),
    });
    try {
      const socket = connect(proxy.port, '127.0.0.1');
      const closed = new Promise<boolean>((r) => socket.on('close', (hadError) => r(hadError)));
      socket.on('error', () => undefined);
      await new Promise((r) => socket.once('connect', r));
      socket.write('ping');
      await new Promise((r) => socket.once('data', r));
      proxy.setMode('reset');
      expect(await closed).toBe(true);
      expect(seen).toEqual(['up:ping', 'down:ping']);
    } finally {
      await proxy.close();
    }
  });
});

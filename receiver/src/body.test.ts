import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipLimited, readLimited } from './body.js';

function chunks(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

describe('readLimited', () => {
  it('joins the chunks of a body within the limit', async () => {
    const result = await readLimited(chunks(Uint8Array.of(1, 2), Uint8Array.of(3)), 3);
    expect(result.ok && [...result.bytes]).toEqual([1, 2, 3]);
  });

  it('reads an absent body as empty', async () => {
    expect(await readLimited(null, 10)).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });

  it('stops reading and cancels the source once past the limit', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1000));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 }
    );
    const result = await readLimited(endless, 2500);
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
    expect(pulled).toBe(3);
    expect(cancelled).toBe(true);
  });
});

describe('gunzipLimited', () => {
  it('inflates a body within the limit', async () => {
    const result = await gunzipLimited(gzipSync('hello'), 5);
    expect(result.ok && Buffer.from(result.bytes).toString()).toBe('hello');
  });

  it('stops a 1 MB gzip bomb that inflates to 1 GiB near the limit', async () => {
    // Sixteen gzip members of 64 MiB of zeros each: gunzip reads them as one 1 GiB stream.
    const member = gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(new Array<Buffer>(16).fill(member));
    expect(bomb.length).toBeLessThan(1.1 * 1024 * 1024);
    const started = performance.now();
    const result = await gunzipLimited(bomb, 20 * 1024 * 1024);
    const millis = performance.now() - started;
    console.log(`gzip bomb: ${bomb.length} B in, stopped after ${millis.toFixed(0)} ms`);
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
    // Inflating all of 1 GiB takes several seconds here (~320 MB/s); stopping at 20 MiB, a fraction.
    expect(millis).toBeLessThan(1500);
  });

  it.each([
    ['not gzip', Buffer.from('plain text')],
    ['a truncated gzip', gzipSync('hello world').subarray(0, 12)],
  ])('reports %s as bad gzip', async (_, bytes) => {
    expect(await gunzipLimited(bytes, 1000)).toMatchObject({ ok: false, reason: 'bad_gzip' });
  });
});

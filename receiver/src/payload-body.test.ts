import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { decompressPayload } from '@xray/core/storage';
import { silentLogger } from '@xray/core/service';
import { describe, expect, it } from 'vitest';
import { digestBody } from './payload-body.js';
import { RefusalLog } from './refusal-log.js';

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const encoder = new TextEncoder();

function chunks(...parts: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(typeof p === 'string' ? encoder.encode(p) : p);
      controller.close();
    },
  });
}

/** A body that never ends, counting what was pulled from it and whether it was cancelled. */
function endless(chunk: Uint8Array) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulled++;
      controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

const options = { maxBytes: 1024 * 1024, gzip: false, compress: true };

describe('digestBody', () => {
  it('hashes and counts the body across chunks, and compresses it with the payload codec', async () => {
    const doc = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: i, reason: 'kept' })) });
    const result = await digestBody(chunks(doc.slice(0, 1000), doc.slice(1000)), options);
    expect(result).toMatchObject({ ok: true, sha256: sha256(doc), bytes: doc.length });
    const { compressed } = result as { compressed: Buffer };
    expect(compressed.length).toBeLessThan(doc.length / 5);
    expect((await decompressPayload(compressed)).toString()).toBe(doc);
  });

  it('only hashes when asked not to compress (the object is already stored)', async () => {
    const result = await digestBody(chunks('{"a":1}'), { ...options, compress: false });
    expect(result).toEqual({ ok: true, sha256: sha256('{"a":1}'), bytes: 7, compressed: Buffer.alloc(0) });
  });

  it('reads an absent body as empty', async () => {
    expect(await digestBody(null, options)).toMatchObject({ ok: true, sha256: sha256(''), bytes: 0 });
  });

  it('inflates gzip and digests the payload, not the wire bytes', async () => {
    const doc = '{"big":"' + 'x'.repeat(100_000) + '"}';
    const result = await digestBody(chunks(gzipSync(doc)), { ...options, gzip: true });
    expect(result).toMatchObject({ ok: true, sha256: sha256(doc), bytes: doc.length });
  });

  it('stops reading and cancels the body once past the limit', async () => {
    const { stream, seen } = endless(new Uint8Array(16 * 1024));
    const result = await digestBody(stream, { ...options, maxBytes: 64 * 1024 });
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(20);
  });

  it('stops inflating a gzip bomb at the limit', async () => {
    const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024));
    const result = await digestBody(chunks(bomb), { ...options, gzip: true, maxBytes: 64 * 1024 });
    expect(result).toMatchObject({ ok: false, reason: 'too_large', message: expect.stringMatching(/65536 bytes/) });
  });

  it('refuses a body that is not gzip when it says it is', async () => {
    const result = await digestBody(chunks(Uint8Array.of(0x1f, 0x8b, 1, 2, 3)), { ...options, gzip: true });
    expect(result).toMatchObject({ ok: false, reason: 'bad_gzip', message: expect.stringMatching(/not valid gzip/) });
  });
});

describe('RefusalLog', () => {
  it('logs the first refusal of each class, then once a minute with the count since', () => {
    const lines: unknown[][] = [];
    let now = 0;
    const log = new RefusalLog({ ...silentLogger, warn: (...args) => void lines.push(args) }, () => now);
    log.note('too_large', 'too large', { status: 413 });
    log.note('too_large', 'too large', { status: 413 });
    log.note('sha256_mismatch', 'mismatch', { status: 422 });
    now = 30_000;
    log.note('too_large', 'too large', { status: 413 });
    now = 61_000;
    log.note('too_large', 'too large', { status: 413 });
    expect(lines).toEqual([
      ['too large', { refusal: 'too_large', status: 413, count: 1 }],
      ['mismatch', { refusal: 'sha256_mismatch', status: 422, count: 1 }],
      ['too large', { refusal: 'too_large', status: 413, count: 3 }],
    ]);
  });
});

import { deadLetterStream, encodeQueueEntry, QUEUE_FIELD_V1, QueueFields, type QueueMessage } from '@xray/core/ingest';
import { encodeQueueMessageV1 } from '@xray/core/testing';
import { describe, expect, it } from 'vitest';
import { type BatchSink } from './processor.js';
import {
  chunkSpan,
  counts,
  drain,
  enqueue,
  message,
  newProcessor,
  payloads,
  redis,
  runSpan,
  stepSpan,
  stream,
  useProcessorStorage,
  writer,
} from './processor.fixture.js';

// Entries that cannot be stored go to the dead letters with why, and the rest flows.
useProcessorStorage();

describe('processor', () => {
  it('dead-letters an entry that is not a queue message and keeps the rest flowing', async () => {
    await enqueue([QUEUE_FIELD_V1, '{not json']);
    await enqueue(message('proj-e', [runSpan]));
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-e')).runs).toBe(1);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]![1].join(' ')).toContain('not JSON');
  });

  it('dead-letters at once an entry its mapping throws on, instead of retrying it forever', async () => {
    await enqueue([
      QUEUE_FIELD_V1,
      encodeQueueMessageV1({ v: 1, projectId: 'proj-null', receivedAt: Date.now(), spans: [null as never] }),
    ]);
    await enqueue(message('proj-after-null', [runSpan]));
    const p = newProcessor('c8');
    await drain(p);
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-after-null')).runs).toBe(1);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead.at(-1)![1].join(' ')).toContain('cannot be mapped to rows');
  });

  it('still processes entries of the previous message version (in flight during an upgrade)', async () => {
    await enqueue([
      QUEUE_FIELD_V1,
      encodeQueueMessageV1({
        v: 1,
        projectId: 'proj-v1',
        receivedAt: Date.now(),
        spans: [runSpan, stepSpan, chunkSpan],
      }),
    ]);
    await enqueue(message('proj-v1', [runSpan]));
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(0);
    expect(p.stats.entries).toBe(2);
    expect(await counts('proj-v1')).toEqual({ runs: 1, steps: 1, decisions: 300, eliminated: 225 });
  });

  it('dead-letters malformed entries with why, keeping their fields byte for byte', async () => {
    const good = message('proj-bad', [runSpan]);
    const fields = (m: Partial<QueueMessage>) => encodeQueueEntry({ ...good, ...m });
    const garbage = Buffer.from([0x0a, 0x7f, 0x0a, 0xff, 0x00]); // not OTLP protobuf, not UTF-8
    const broken: [(string | Buffer)[], RegExp][] = [
      [fields({ format: 'protobuf', body: garbage }), /body does not decode: invalid OTLP protobuf/],
      [fields({ body: Buffer.from('{"resourceSpans": [') }), /body does not decode: invalid OTLP JSON/],
      [fields({ acceptedSpans: 2 }), /decodes to 1 X-Ray spans, the receiver accepted 2/],
      [fields({}).map((f) => (f === 'json' ? 'xml' : f)), /unknown format "xml"/],
      [fields({}).slice(2), /not a queue message/],
      [[QueueFields.VERSION, '3', QueueFields.BODY, garbage], /unsupported queue message version "3"/],
      [['other', 'thing'], /not a queue message/],
    ];
    const first = await enqueue(broken[0]![0]);
    for (const [f] of broken.slice(1)) await enqueue(f);
    await enqueue(good);
    const p = newProcessor();
    await drain(p);
    expect(p.stats.deadLettered).toBe(broken.length);
    expect((await counts('proj-bad')).runs).toBe(1);
    const dead = (await redis.xrangeBuffer(deadLetterStream(stream), '-', '+')).slice(-broken.length);
    dead.forEach(([, f], i) => {
      const [id, entryId, error, message, ...original] = f;
      expect([id!.toString(), error!.toString()]).toEqual(['id', 'error']);
      expect(message!.toString()).toMatch(broken[i]![1]);
      expect(original.map((x) => x.toString('hex'))).toEqual(broken[i]![0].map((x) => Buffer.from(x).toString('hex')));
      if (i === 0) expect(entryId!.toString()).toBe(first);
    });
  });

  it('sets aside an entry whose data storage keeps refusing, and the rest flows', async () => {
    const refusing: BatchSink = {
      writePayloads: (b) => payloads.write(b),
      writeRows: (b) =>
        b.runs.some((r) => r.project_id === 'proj-poison')
          ? Promise.reject(
              Object.assign(new Error('Cannot parse input'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' })
            )
          : writer.write(b),
    };
    await enqueue(message('proj-ok-1', [runSpan]));
    await enqueue(message('proj-poison', [runSpan]));
    await enqueue(message('proj-ok-2', [runSpan]));
    const p = newProcessor('c4', { batchEntries: 10, maxAttempts: 3, retryBaseMillis: 5 }, refusing);
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.stats.deadLettered < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    while ((await redis.xpending(stream, 'g'))[0] !== 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(p.stats.deadLettered).toBe(1);
    expect((await counts('proj-ok-1')).runs).toBe(1);
    expect((await counts('proj-ok-2')).runs).toBe(1);
    expect((await counts('proj-poison')).runs).toBe(0);
    const dead = await redis.xrange(deadLetterStream(stream), '-', '+');
    expect(dead.at(-1)![1].join(' ')).toMatch(/could not be stored after 3 attempts: Cannot parse input/);
  });
});

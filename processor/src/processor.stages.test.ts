import { describe, expect, it } from 'vitest';
import { type ProcessorStage, PROCESSOR_STAGES } from './stages.js';
import {
  counts,
  drain,
  enqueue,
  message,
  newProcessor,
  redis,
  runSpan,
  stream,
  useProcessorStorage,
} from './processor.fixture.js';

// The one seam at the processor's stages (the reliability suite crashes a processor there).
useProcessorStorage();

describe('processor stages', () => {
  it('shows each batch at every stage, in order, with its entry ids, before it is acknowledged', async () => {
    const ids = [await enqueue(message('proj-stages', [runSpan])), await enqueue(message('proj-stages', [runSpan]))];
    const seen: [ProcessorStage, readonly string[], number][] = [];
    const p = newProcessor('s1', {
      onStage: async (stage, entryIds) => {
        const [pending] = (await redis.xpending(stream, 'g')) as [number];
        seen.push([stage, entryIds, pending]);
      },
    });
    await drain(p);
    expect(seen).toEqual(PROCESSOR_STAGES.map((stage) => [stage, ids, 2]));
    expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
  });

  it('fails the batch, acknowledging nothing, when the hook throws', async () => {
    await enqueue(message('proj-stage-fails', [runSpan]));
    const p = newProcessor('s2', {
      onStage: (stage) => {
        if (stage === 'after-s3') throw new Error('stopped at after-s3');
      },
    });
    await expect(p.runOnce()).rejects.toThrow('stopped at after-s3');
    expect((await redis.xpending(stream, 'g'))[0]).toBe(1);
    expect((await counts('proj-stage-fails')).runs).toBe(0);
    await drain(newProcessor('s2'));
    expect((await counts('proj-stage-fails')).runs).toBe(1);
  });

  it('runs without a hook when none is given, even one passed as undefined (as main.ts does)', async () => {
    await enqueue(message('proj-no-hook', [runSpan]));
    await drain(newProcessor('s3', { onStage: undefined, logger: undefined }));
    expect((await counts('proj-no-hook')).runs).toBe(1);
  });
});

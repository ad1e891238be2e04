import {
  type DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { projectDays } from './days.js';
import { s3Objects } from './ports.js';

/**
 * A bucket in memory that answers ListObjects (v1) and DeleteObjects as S3 does, pages of
 * `pageKeys`; `nestedDelimiter: false` answers no common prefix below the first level, as s3rver does.
 */
function fakeS3(keys: string[], o: { pageKeys?: number; nestedDelimiter?: boolean; failKey?: string } = {}) {
  const stored = new Set(keys);
  const batches: number[] = [];
  const list = (input: ListObjectsCommand['input']): Partial<ListObjectsCommandOutput> => {
    const prefix = input.Prefix ?? '';
    const max = Math.min(input.MaxKeys ?? 1000, o.pageKeys ?? 1000);
    const marker = input.Marker ?? '';
    // After a common prefix as marker, S3 goes on after every key under it.
    const skipped = (k: string) => k <= marker || (!!input.Delimiter && marker.endsWith('/') && k.startsWith(marker));
    const after = [...stored].filter((k) => k.startsWith(prefix) && !skipped(k)).sort();
    const contents: string[] = [];
    const common: string[] = [];
    for (const key of after) {
      if (contents.length + common.length >= max)
        return {
          Contents: contents.map((Key) => ({ Key })),
          CommonPrefixes: common.map((Prefix) => ({ Prefix })),
          IsTruncated: true,
          ...(input.Delimiter ? { NextMarker: [contents.at(-1) ?? '', common.at(-1) ?? ''].sort().at(-1) } : {}),
        };
      const slash = input.Delimiter ? key.indexOf('/', prefix.length) : -1;
      if (slash < 0) contents.push(key);
      else if (o.nestedDelimiter === false && key.indexOf('/', slash + 1) >= 0) continue;
      else if (!common.includes(key.slice(0, slash + 1))) common.push(key.slice(0, slash + 1));
    }
    return {
      Contents: contents.map((Key) => ({ Key })),
      CommonPrefixes: common.map((Prefix) => ({ Prefix })),
      IsTruncated: false,
    };
  };
  const s3 = {
    send(command: ListObjectsCommand | DeleteObjectsCommand) {
      if (command instanceof ListObjectsCommand) return Promise.resolve(list(command.input));
      const objects = command.input.Delete!.Objects!;
      batches.push(objects.length);
      const answer: Partial<DeleteObjectsCommandOutput> = { Errors: [] };
      for (const { Key } of objects) {
        if (Key === o.failKey) answer.Errors!.push({ Key, Code: 'AccessDenied', Message: 'Access Denied' });
        else stored.delete(Key!);
      }
      return Promise.resolve(answer);
    },
  };
  return { s3: s3 as unknown as S3Client, stored, batches };
}

const DAY_KEYS = [
  'p/payloads/2026/11/30/r1/a.jsonl.br',
  'p/payloads/2026/12/01/r1/b.jsonl.br',
  'p/payloads/2026/12/01/sha256/c.json.br',
  'p/payloads/2025/01/02/r2/d.jsonl.br',
  'q/payloads/2026/12/01/r3/e.jsonl.br',
];

describe('s3Objects', () => {
  it('lists a project’s days level by level, whether the store groups nested keys or not', async () => {
    for (const nestedDelimiter of [true, false]) {
      const { s3 } = fakeS3(DAY_KEYS, { nestedDelimiter, pageKeys: 2 });
      expect(await projectDays(s3Objects(s3, 'b'), 'p')).toEqual(['2025-01-02', '2026-11-30', '2026-12-01']);
    }
  });

  it('pages keys by marker and deletes them at most 1,000 a request', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `p/payloads/2026/12/01/r/${String(i).padStart(5, '0')}`);
    const fake = fakeS3(keys);
    const objects = s3Objects(fake.s3, 'b');
    const pages: number[] = [];
    for await (const page of objects.keys('p/')) pages.push(page.length);
    expect(pages).toEqual([1000, 1000, 500]);
    expect(await objects.delete(keys)).toBe(2500);
    expect(fake.batches).toEqual([1000, 1000, 500]);
    expect(fake.stored.size).toBe(0);
  });

  it('throws a sentence naming a key S3 would not delete', async () => {
    const fake = fakeS3(DAY_KEYS, { failKey: DAY_KEYS[1] });
    await expect(s3Objects(fake.s3, 'b').delete(DAY_KEYS)).rejects.toThrow(
      /S3 did not delete p\/payloads\/2026\/12\/01\/r1\/b\.jsonl\.br from bucket b \(AccessDenied: Access Denied\)/
    );
  });
});

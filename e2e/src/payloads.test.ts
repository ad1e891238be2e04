import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { DecisionDetail, DecisionListResponse, Payload, StepListResponse } from '@xray/core/api';
import { s3ClientConfig } from '@xray/core/storage';
import { KEPT, XRay, XRStepType } from '@xray/sdk';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from './harness.js';

// Whole payloads through the running stack: every size up to 20 MiB comes back with the SHA-256 it
// was sent with, on the direct route and through a forwarding proxy standing for a collector; the
// same documents on many steps and runs are stored once.

const KiB = 1024;
const MiB = 1024 * KiB;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const valueOf = (bytes: number, tag: string) => (bytes === 0 ? '' : { tag, text: 'x'.repeat(bytes - tag.length - 20) });
const SIZES = [0, 15 * KiB, 17 * KiB, MiB, 20 * MiB];

let stack: TestStack;
let proxy: Server;
let proxyUrl: string;

beforeAll(async () => {
  stack = await startTestStack('payloads');
  // Stands for an OpenTelemetry Collector: forwards span exports, headers and all, to the receiver.
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => ['authorization', 'content-type', 'content-encoding'].includes(k))
      ) as Record<string, string>;
      fetch(`${stack.receiverUrl}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) })
        .then(async (up) => res.writeHead(up.status, { 'content-type': 'application/json' }).end(await up.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  proxy?.close();
  await stack?.close();
});

/** Records a run whose decisions carry every size, and a 5 MiB run input; returns the run id. */
async function recordRun(xray: XRay, tag: string): Promise<string> {
  const runInput = valueOf(5 * MiB, `${tag}-run`);
  const runId = await xray.startRun(`payloads-${tag}`, runInput);
  await xray.step(
    runId,
    XRStepType.TRANSFORM,
    'sizes',
    () =>
      SIZES.map((bytes) => ({
        itemId: `${tag}-${bytes}`,
        outcome: KEPT,
        reason: 'kept',
        input: valueOf(bytes, `${tag}-${bytes}`),
      })),
    SIZES.length
  );
  await xray.endRun(runId, 'done');
  await xray.shutdown();
  expect(xray.stats()).toMatchObject({ droppedPayloads: 0, truncatedValues: 0 });
  return runId;
}

/** The whole JSON of a payload field as the query API returns it: inline, or by its download route. */
async function wholeJson(body: { payloads?: Record<string, { state: string; download?: string }> }, field: string) {
  const value = (body as Record<string, unknown>)[field];
  const info = body.payloads?.[field];
  if (info?.state === 'partial') {
    const res = await fetch(`${stack.queryUrl}${info.download}`, {
      headers: { authorization: `Bearer ${stack.keys.readKey}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  }
  return JSON.stringify(value);
}

async function expectWhole(runId: string, tag: string) {
  const steps = await eventually(async () => {
    const { body } = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
    return body.steps?.length === 1 ? body.steps : undefined;
  }, 60_000);
  const { body: list } = await stack.get<DecisionListResponse>(`/v1/steps/${steps[0]!.stepId}/decisions`);
  expect(list.decisions).toHaveLength(SIZES.length);
  for (const d of list.decisions) {
    const bytes = Number(d.itemId.split('-').at(-1));
    const { status, body } = await stack.get<DecisionDetail>(`/v1/decisions/${d.eventId}`);
    expect(status).toBe(200);
    expect(body.payloads?.input?.bytes).toBe(Buffer.byteLength(JSON.stringify(valueOf(bytes, `${tag}-${bytes}`))));
    expect(sha256(await wholeJson(body, 'input')), `${bytes} B`).toBe(
      sha256(JSON.stringify(valueOf(bytes, `${tag}-${bytes}`)))
    );
  }
  const { body: run } = await stack.get<Payload>(`/v1/runs/${runId}/payload`);
  expect(sha256(await wholeJson(run, 'input'))).toBe(sha256(JSON.stringify(valueOf(5 * MiB, `${tag}-run`))));
}

describe('payloads of any size up to the cap', () => {
  it('come back whole (equal SHA-256) from the query API: 0 B, 15 KiB, 17 KiB, 1 MiB, 20 MiB and a 5 MiB run input', async () => {
    const xray = new XRay({
      endpoint: `${stack.receiverUrl}/v1/traces`,
      apiKey: stack.keys.ingestKey,
      capture: 'full',
    });
    await expectWhole(await recordRun(xray, 'direct'), 'direct');
  }, 180_000);

  it('come back whole when spans travel through a forwarding proxy (a collector) and payloads go to the receiver', async () => {
    const xray = new XRay({
      endpoint: `${proxyUrl}/v1/traces`,
      payloadEndpoint: stack.receiverUrl,
      apiKey: stack.keys.ingestKey,
      capture: 'full',
    });
    await expectWhole(await recordRun(xray, 'proxied'), 'proxied');
  }, 180_000);
});

describe('each byte stored once', () => {
  it('stores the same 60 documents of 2-20 KB once, though 4 steps of 3 runs recorded each of them', async () => {
    const before = new Set(await storedValues());
    const docs = Array.from({ length: 60 }, (_, i) => ({ id: `doc-${i}`, body: `${i} `.repeat(1_100 + i * 90) }));
    const xray = new XRay({
      endpoint: `${stack.receiverUrl}/v1/traces`,
      apiKey: stack.keys.ingestKey,
      capture: 'full',
    });
    const runs: string[] = [];
    for (let r = 0; r < 3; r++) {
      const runId = await xray.startRun('dedup', docs.length);
      for (const name of ['retrieve', 'filter', 'policy', 'rerank'])
        await xray.step(
          runId,
          XRStepType.FILTER,
          name,
          () => docs.map((doc) => ({ itemId: doc.id, outcome: KEPT, reason: 'kept', input: doc })),
          docs.length
        );
      await xray.endRun(runId, docs.length);
      runs.push(runId);
    }
    await xray.shutdown();
    for (const runId of runs)
      await eventually(async () => {
        const { body } = await stack.get<StepListResponse>(`/v1/runs/${runId}/steps`);
        return body.steps?.length === 4 ? true : undefined;
      }, 60_000);
    const stored = new Set(await storedValues());
    // Each document's JSON, by its digest, is one object: 60 of them for the 720 decisions...
    const expected = docs.map((doc) => sha256(JSON.stringify(doc)));
    for (const digest of expected) expect(stored, digest).toContain(digest);
    // Plus one: every step's output (its survivors, all 60 documents) is the same value, stored once too.
    expect(stored.size - before.size).toBe(docs.length + 1);
  }, 180_000);
});

/** Digests of the content-addressed values stored for the project (all days). */
async function storedValues(): Promise<string[]> {
  const s3 = new S3Client(
    s3ClientConfig({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      bucket: stack.bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    })
  );
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `${stack.projectId}/payloads/`, MaxKeys: 1000 })
  );
  s3.destroy();
  return (listed.Contents ?? [])
    .map((o) => /\/sha256\/([0-9a-f]{64})\.json\.br$/.exec(o.Key!)?.[1])
    .filter((d): d is string => d !== undefined);
}

// Payload uploads under strain: S3 down (at start and while serving), too many uploads at once, and
// connections kept across answers. Real listener, real s3rver stopped and started again.
import { Agent, request as httpRequest } from 'node:http';
import { blobKey } from '@xray/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jsonDoc,
  recordingLogger,
  sha256,
  startReceiver,
  testProjects,
  TestS3,
  type TestProjects,
  type TestReceiver,
  TODAY,
} from './payloads.fixture.js';

let s3: TestS3;
let projects: TestProjects;
const opened: TestReceiver[] = [];

beforeAll(async () => {
  s3 = await TestS3.start();
  projects = await testProjects();
});

afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
  await projects?.close();
  await s3?.close();
});

async function receiver(o: Parameters<typeof startReceiver>[2] = {}): Promise<TestReceiver> {
  const r = await startReceiver(s3, projects, o);
  opened.push(r);
  return r;
}

describe('payload uploads while S3 is down', () => {
  it('answers 503 with Retry-After and stores nothing, then 201 once S3 is back; the log says when', async () => {
    const logger = recordingLogger();
    const r = await receiver({ logger });
    await r.store.ensureBucket();
    const doc = jsonDoc(32 * 1024);
    const sha = sha256(doc);
    await s3.stop();
    try {
      const down = await r.put(TODAY, sha, doc);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('1');
      expect(await down.text()).toBe('Payload storage (S3) is unavailable; nothing was stored: retry shortly.');
      expect((await r.put(TODAY, sha, doc)).status).toBe(503);
    } finally {
      await s3.resume();
    }
    expect(await s3.keys()).toEqual([]);
    const back = await r.put(TODAY, sha, doc);
    expect(back.status).toBe(201);
    expect((await s3.read(blobKey(projects.a.projectId, { day: TODAY, sha256: sha }))).text).toBe(doc);
    expect(logger.lines.filter((l) => /S3/.test(l))).toEqual([
      expect.stringMatching(/^warn S3 unreachable \(.*\); payload uploads answer 503 until it is back$/),
      'info S3 available again; payload uploads are stored',
    ]);
    expect(r.receiver.payloadStats).toMatchObject({ uploads: { stored: 1, refused: 2 }, inFlight: 0 });
  });

  it('starts without S3, and creates its bucket on the first upload once S3 answers', async () => {
    await s3.stop();
    let r: TestReceiver;
    try {
      r = await receiver({ bucket: 'created-later' });
      await expect(r.store.ensureBucket()).rejects.toThrow();
      expect((await r.put(TODAY, sha256('{}'), '{}')).status).toBe(503);
    } finally {
      await s3.resume();
    }
    expect((await r.put(TODAY, sha256('{}'), '{}')).status).toBe(201);
  });
});

describe('payload uploads at capacity', () => {
  it('answers 503 with Retry-After beyond XRAY_PAYLOAD_UPLOADS in flight, and takes the next one after', async () => {
    const logger = recordingLogger();
    const r = await receiver({ maxInFlight: 1, logger });
    const doc = jsonDoc(64 * 1024);
    const sha = sha256(doc);
    // The first upload sends half its body and waits.
    const req = httpRequest(`${r.url}/v1/payloads/${TODAY}/${sha}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${projects.a.ingestKey}`, 'content-type': 'application/json' },
    });
    const first = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    req.write(doc.slice(0, doc.length / 2));
    await expect.poll(() => r.receiver.payloadStats.inFlight).toBe(1);

    const second = await r.put(TODAY, sha256('{"b":2}'), '{"b":2}');
    expect([second.status, second.headers.get('retry-after')]).toEqual([503, '1']);
    expect(await second.text()).toMatch(/^This receiver is already taking 1 payload uploads/);

    req.end(doc.slice(doc.length / 2));
    expect(await first).toEqual({
      status: 201,
      body: JSON.stringify({ ref: `${TODAY}/${sha}/${doc.length}`, stored: true }),
    });
    expect((await r.put(TODAY, sha256('{"b":2}'), '{"b":2}')).status).toBe(201);
    const busy = 'This receiver is already taking 1 payload uploads (XRAY_PAYLOAD_UPLOADS); retry in a second.';
    expect(logger.lines).toEqual([
      `warn payload upload refused: ${busy} refusal=busy status=503 project=${projects.a.projectId} count=1`,
    ]);
  });
});

describe('the rate limit', () => {
  it('charges a key the bytes it uploads, and answers 429 with Retry-After while it is in debt', async () => {
    const r = await receiver({ limits: { spansPerSecond: 0, bytesPerSecond: 10_000 } });
    const doc = jsonDoc(40 * 1024);
    expect((await r.put(TODAY, sha256(doc), doc)).status).toBe(201);
    const next = await r.put(TODAY, sha256('{}'), '{}');
    expect([next.status, Number(next.headers.get('retry-after'))]).toEqual([429, expect.any(Number)]);
    expect(await next.text()).toMatch(/is over its rate limit; retry after \d+ s\.$/);
  });
});

describe('connections', () => {
  it('keeps the connection for the next upload after 201, 200 and 422', async () => {
    const r = await receiver();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const doc = jsonDoc(100 * 1024);
    const send = (sha: string) =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(`${r.url}/v1/payloads/${TODAY}/${sha}`, {
          method: 'PUT',
          agent,
          headers: { authorization: `Bearer ${projects.a.ingestKey}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.on('error', reject);
        req.end(doc);
      });
    try {
      const answers = [await send(sha256(doc)), await send(sha256(doc)), await send(sha256('other'))];
      expect(answers.map((a) => a.status)).toEqual([201, 200, 422]);
      expect(new Set(answers.map((a) => a.socket)).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

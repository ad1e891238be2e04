// PUT /v1/payloads/{day}/{sha256} behind a real listener, storing into an s3rver of this file's own.
import { gzipSync } from 'node:zlib';
import { blobKey, BLOB_BYTES_METADATA } from '@xray/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jsonDoc,
  putChunked,
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
let r: TestReceiver;
/** The same route with a 64 KiB limit. */
let small: TestReceiver;

beforeAll(async () => {
  s3 = await TestS3.start();
  projects = await testProjects();
  r = await startReceiver(s3, projects);
  small = await startReceiver(s3, projects, { maxBytes: 64 * 1024 });
  await r.store.ensureBucket();
});

afterAll(async () => {
  await Promise.all([r?.close(), small?.close()]);
  await projects?.close();
  await s3?.close();
});

const keyOf = (project: string, sha: string) => blobKey(project, { day: TODAY, sha256: sha });

describe('PUT /v1/payloads/{day}/{sha256}', () => {
  it('stores a payload once: 201, then 200 for the same bytes, one object holding exactly them', async () => {
    const doc = jsonDoc(40 * 1024);
    const sha = sha256(doc);
    const first = await r.put(TODAY, sha, doc);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ ref: `${TODAY}/${sha}/${doc.length}`, stored: true });
    const again = await r.put(TODAY, sha, doc);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ref: `${TODAY}/${sha}/${doc.length}`, stored: false });

    const key = keyOf(projects.a.projectId, sha);
    expect((await s3.keys()).filter((k) => k.includes(sha))).toEqual([key]);
    const object = await s3.read(key);
    expect(object.text).toBe(doc);
    expect(object.contentType).toBe('application/json');
    expect(object.metadata).toEqual({ [BLOB_BYTES_METADATA]: String(doc.length) });
  });

  it('takes a gzip body and stores the payload it inflates to', async () => {
    const doc = jsonDoc(30 * 1024);
    const sha = sha256(doc);
    const res = await r.put(TODAY, sha, gzipSync(doc), { 'content-encoding': 'gzip' });
    expect([res.status, await res.json()]).toEqual([201, { ref: `${TODAY}/${sha}/${doc.length}`, stored: true }]);
    expect((await s3.read(keyOf(projects.a.projectId, sha))).text).toBe(doc);
  });

  it('answers 422 when the body does not hash to the URL, and stores nothing', async () => {
    const doc = jsonDoc(20 * 1024);
    const named = sha256('something else');
    const res = await r.put(TODAY, named, doc);
    expect(res.status).toBe(422);
    expect(await res.text()).toBe(
      `The body's SHA-256 is ${sha256(doc)}; the URL names ${named}: upload the exact bytes the reference names.`
    );
    expect((await s3.keys()).filter((k) => k.includes(named) || k.includes(sha256(doc)))).toEqual([]);
  });

  it('answers 413 to a declared length over the limit, before reading, and closes the connection', async () => {
    const doc = jsonDoc(65 * 1024);
    const res = await small.put(TODAY, sha256(doc), doc);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.text()).toMatch(/exceeds this receiver's limit of 65536 bytes/);
    expect((await s3.keys()).filter((k) => k.includes(sha256(doc)))).toEqual([]);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, without reading the rest', async () => {
    const url = `${small.url}/v1/payloads/${TODAY}/${sha256('x')}`;
    const { status, sent, connection } = await putChunked(
      url,
      projects.a.ingestKey,
      Buffer.alloc(16 * 1024, 0x20),
      400
    );
    expect([status, connection]).toEqual([413, 'close']);
    expect(sent).toBeLessThan(400 * 16 * 1024);
  });

  it('answers 413 to a small gzip body that inflates past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    const res = await small.put(TODAY, sha256('y'), bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it('answers 401 without a key or with a wrong one, and 403 to a read key', async () => {
    const doc = '{"a":1}';
    const sha = sha256(doc);
    const none = await r.put(TODAY, sha, doc, { authorization: '' });
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="xray"']);
    expect(await none.text()).toMatch(/Send an API key/);
    expect((await r.put(TODAY, sha, doc, { authorization: 'Bearer xri_0123456789ab_wrong' })).status).toBe(401);
    const read = await r.put(TODAY, sha, doc, { authorization: `Bearer ${projects.a.readKey}` });
    expect([read.status, await read.text()]).toEqual([403, expect.stringMatching(/needs the project's ingest key/)]);
    expect((await s3.keys()).filter((k) => k.includes(sha))).toEqual([]);
  });

  it.each([
    ['an impossible day', '2025-02-30', /is not a day written YYYY-MM-DD/],
    ['a day in another form', '20250101', /is not a day written YYYY-MM-DD/],
    ['a day long gone', '2020-01-01', /outside the days this receiver takes now/],
    ['a day in the future', '2999-01-01', /outside the days this receiver takes now/],
  ])('answers 400 to %s', async (_, day, message) => {
    const res = await r.put(day, sha256('{}'), '{}');
    expect([res.status, await res.text()]).toEqual([400, expect.stringMatching(message)]);
  });

  it.each([
    ['upper-case hex', sha256('{}').toUpperCase()],
    ['too short a hash', 'ab'.repeat(16)],
  ])('answers 400 to %s', async (_, sha) => {
    const res = await r.put(TODAY, sha, '{}');
    expect([res.status, await res.text()]).toEqual([400, expect.stringMatching(/is not a SHA-256/)]);
  });

  it('keeps each project under its own prefix: the same bytes from two projects are two objects', async () => {
    const doc = jsonDoc(24 * 1024);
    const sha = sha256(doc);
    const fromA = await r.put(TODAY, sha, doc);
    const fromB = await r.put(TODAY, sha, doc, { authorization: `Bearer ${projects.b.ingestKey}` });
    expect([fromA.status, fromB.status]).toEqual([201, 201]);
    const keys = (await s3.keys()).filter((k) => k.includes(sha));
    expect(keys).toEqual([keyOf(projects.a.projectId, sha), keyOf(projects.b.projectId, sha)].sort());
    expect(keys.map((k) => k.split('/')[0]).sort()).toEqual([projects.a.projectId, projects.b.projectId].sort());
  });

  it('takes a 20 MiB payload', async () => {
    const doc = jsonDoc(20 * 1024 * 1024);
    const sha = sha256(doc);
    const res = await r.put(TODAY, sha, doc);
    expect([res.status, await res.json()]).toEqual([201, { ref: `${TODAY}/${sha}/${doc.length}`, stored: true }]);
    expect((await s3.read(keyOf(projects.a.projectId, sha))).text === doc).toBe(true);
  });

  it('answers 415 to a content type or encoding other than JSON and gzip', async () => {
    const sha = sha256('{}');
    const typed = await r.put(TODAY, sha, '{}', { 'content-type': 'text/plain' });
    expect([typed.status, await typed.text()]).toEqual([
      415,
      expect.stringMatching(/send the payload as application\/json/),
    ]);
    expect((await r.put(TODAY, sha, '{}', { 'content-encoding': 'br' })).status).toBe(415);
  });

  it('answers 405 with Allow to other methods', async () => {
    const res = await fetch(`${r.url}/v1/payloads/${TODAY}/${sha256('{}')}`);
    expect([res.status, res.headers.get('allow')]).toEqual([405, 'PUT']);
  });

  it('counts uploads by result and the bytes stored, on /metrics', async () => {
    const text = await (await fetch(`${r.url}/metrics`)).text();
    const { uploads, bytesStored } = r.receiver.payloadStats;
    expect(uploads.stored).toBeGreaterThanOrEqual(4);
    expect(text).toContain(`xray_receiver_payload_uploads_total{result="stored"} ${uploads.stored}`);
    expect(text).toContain(`xray_receiver_payload_uploads_total{result="existing"} ${uploads.existing}`);
    expect(text).toContain(`xray_receiver_payload_uploads_total{result="refused"} ${uploads.refused}`);
    expect(text).toContain(`xray_receiver_payload_stored_bytes_total ${bytesStored}`);
    expect(text).toContain('xray_receiver_payload_requests_total{status="422"} 1');
  });
});

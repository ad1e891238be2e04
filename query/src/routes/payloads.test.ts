import { createHash } from 'node:crypto';
import {
  type DecisionDetail,
  type ErrorResponse,
  MISSING_PAYLOAD_MESSAGE,
  type Payload,
  PAYLOAD_HEAD_BYTES,
  TRUNCATED_PAYLOAD_MESSAGE,
} from '@xray/core/api';
import * as C from '@xray/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type WrittenRun } from './routes.fixture.js';

// Values of every state, stored as the SDK and the receiver store them: inline in the span, or by reference.
let stack: RouteStack;
let run: WrittenRun;
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const small = { id: 7 };
const whole = { doc: 'x'.repeat(200_000) }; // 200 KB: returned whole
const big = { text: 'ü€'.repeat(650_000) }; // 3.1 MiB of multi-byte characters: partial
const marker = { [C.TRUNCATED_KEY]: true, originalBytes: 70_000_000, preview: '{"a":' };
const longMarker = { [C.TRUNCATED_KEY]: true, preview: 'p'.repeat(3000) }; // long: stored by content
const texts = { whole: JSON.stringify(whole), big: JSON.stringify(big), missing: JSON.stringify({ gone: true }) };
const refs: Record<keyof typeof texts, string> = { whole: '', big: '', missing: '' };
const downloadOf = (ref: string) => `/v1/payloads/${ref.split('/')[0]}/${ref.split('/')[1]}`;

beforeAll(async () => {
  stack = await openRouteStack('payloads');
  refs.whole = await stack.storeValue(texts.whole);
  refs.big = await stack.storeValue(texts.big);
  refs.missing = await stack.storeValue(texts.missing, { upload: false });
  [run] = (await stack.write([
    {
      pipeline: 'search',
      attributes: { [C.ATTR_XRAY_RUN_OUTPUT_REF]: refs.big },
      steps: [
        {
          name: 'filter',
          attributes: { [C.ATTR_XRAY_STEP_OUTPUT_REF]: refs.whole },
          decisions: [
            [
              'doc-1',
              'eliminated',
              'too big',
              {
                input: small,
                attributes: {
                  [C.ATTR_XRAY_DECISION_OUTPUT_REF]: refs.whole,
                  [C.ATTR_XRAY_DECISION_METADATA_REF]: refs.big,
                },
              },
            ],
            [
              'doc-2',
              'kept',
              'lost',
              {
                attributes: {
                  [C.ATTR_XRAY_DECISION_INPUT_REF]: refs.missing,
                  [C.ATTR_XRAY_DECISION_OUTPUT]: JSON.stringify(marker),
                  [C.ATTR_XRAY_DECISION_METADATA]: JSON.stringify(longMarker),
                },
              },
            ],
          ],
        },
      ],
    },
  ])) as [WrittenRun];
});
afterAll(() => stack.close());

const decision = (seq: number) => stack.get<DecisionDetail>(`/v1/decisions/${run.stepIds[0]}-${seq}`);

describe('GET /v1/decisions/{eventId} with its payload', () => {
  it('answers inline values, values read whole by reference, and the head of larger ones', async () => {
    const { status, body } = await decision(0);
    expect(status).toBe(200);
    expect(body.input).toEqual(small);
    expect(body.output).toEqual(whole);
    expect(body).not.toHaveProperty('metadata');
    expect(body.payloads).toEqual({
      input: { state: 'inline', bytes: JSON.stringify(small).length },
      output: { state: 'whole', bytes: texts.whole.length, sha256: sha(texts.whole), download: downloadOf(refs.whole) },
      metadata: {
        state: 'partial',
        bytes: Buffer.byteLength(texts.big),
        sha256: sha(texts.big),
        download: downloadOf(refs.big),
        head: expect.any(String),
      },
    });
    const head = body.payloads!.metadata!.head!;
    expect(texts.big.startsWith(head)).toBe(true);
    expect(Buffer.byteLength(head)).toBeLessThanOrEqual(PAYLOAD_HEAD_BYTES);
    expect(Buffer.byteLength(head)).toBeGreaterThan(PAYLOAD_HEAD_BYTES - 4);
  });

  it('says a value is missing or truncated instead of failing', async () => {
    const listed = await stack.get<{ decisions: unknown[] }>(`/v1/steps/${run.stepIds[0]}/decisions`);
    expect(listed.body.decisions).toHaveLength(2);
    const { status, body } = await decision(1);
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('input');
    expect(body.output).toEqual(marker);
    expect(body.metadata).toEqual(longMarker);
    const longText = JSON.stringify(longMarker);
    expect(body.payloads).toEqual({
      input: {
        state: 'missing',
        bytes: Buffer.byteLength(texts.missing),
        sha256: sha(texts.missing),
        message: MISSING_PAYLOAD_MESSAGE,
      },
      output: { state: 'truncated', bytes: 70_000_000, message: TRUNCATED_PAYLOAD_MESSAGE },
      metadata: {
        state: 'truncated',
        bytes: longText.length,
        sha256: sha(longText),
        download: expect.stringMatching(/^\/v1\/payloads\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{64}$/),
        message: TRUNCATED_PAYLOAD_MESSAGE,
      },
    });
  });
});

describe('GET /v1/payloads/{day}/{sha256}', () => {
  it('streams the whole JSON of a value, with its size and digest', async () => {
    for (const name of ['whole', 'big'] as const) {
      const res = await stack.raw(downloadOf(refs[name]));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(texts[name])));
      expect(res.headers.get('x-xray-sha256')).toBe(sha(texts[name]));
      const text = await res.text();
      expect(sha(text)).toBe(sha(texts[name]));
    }
    const head = await stack.raw(downloadOf(refs.big), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([
      200,
      String(Buffer.byteLength(texts.big)),
      '',
    ]);
  });

  it('answers a byte range with 206, and 416 past the end', async () => {
    const size = Buffer.byteLength(texts.big);
    const bytes = Buffer.from(texts.big);
    const part = await stack.raw(downloadOf(refs.big), { headers: { range: 'bytes=100000-100009' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100000-100009/${size}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100_000, 100_010));
    const tail = await stack.raw(downloadOf(refs.big), { headers: { range: 'bytes=-5' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(size - 5));
    const past = await stack.raw(downloadOf(refs.big), { headers: { range: `bytes=${size}-` } });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);
  });

  it("answers 404 with a sentence for a value never uploaded, and for another project's digest", async () => {
    const missing = await stack.get<ErrorResponse>(downloadOf(refs.missing));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(MISSING_PAYLOAD_MESSAGE);
    const theirs = await stack.get<ErrorResponse>(downloadOf(refs.whole), stack.keys[stack.projects[1]!]);
    expect(theirs.status).toBe(404);
    expect((await stack.get(downloadOf(refs.whole), null)).status).toBe(401);
    const bad = await stack.get<ErrorResponse>('/v1/payloads/2026-02-30/abc');
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'day must be a calendar day written YYYY-MM-DD (such as 2026-11-01), got "2026-02-30"',
    ]);
  });
});

describe('GET /v1/runs/{runId}/payload and /v1/steps/{stepId}/payload', () => {
  it('resolve references as decisions do', async () => {
    const { body: runRecord } = await stack.get<Payload>(`/v1/runs/${run.runId}/payload`);
    expect(runRecord).toMatchObject({ kind: 'run', runId: run.runId, input: { query: 'search' } });
    expect(runRecord).not.toHaveProperty('output');
    expect(runRecord).not.toHaveProperty('refs');
    expect(runRecord.payloads).toMatchObject({
      input: { state: 'inline' },
      output: { state: 'partial', sha256: sha(texts.big), download: downloadOf(refs.big) },
    });
    const { body: stepRecord } = await stack.get<Payload>(`/v1/steps/${run.stepIds[0]}/payload`);
    expect(stepRecord).toMatchObject({ kind: 'step', name: 'filter', input: { step: 'filter' }, output: whole });
    expect(stepRecord.payloads).toMatchObject({ input: { state: 'inline' }, output: { state: 'whole' } });
  });
});

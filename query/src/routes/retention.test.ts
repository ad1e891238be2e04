import { createHash } from 'node:crypto';
import {
  type DecisionDetail,
  type ErrorResponse,
  expiredPayloadMessage,
  MISSING_PAYLOAD_MESSAGE,
  type ProjectResponse,
} from '@xray/core/api';
import * as C from '@xray/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRouteStack, type RouteStack, type WrittenRun } from './routes.fixture.js';

// The first project keeps its data 1 day (its own retention); the second the deployment's default (30 days).
let stack: RouteStack;
let mine: string;
let theirs: string;
let run: WrittenRun;
const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const download = (ref: string) => `/v1/payloads/${ref.split('/')[0]}/${ref.split('/')[1]}`;
const texts = { old: JSON.stringify({ old: 'x'.repeat(100) }), lost: JSON.stringify({ lost: true }) };
const refs = { old: '', oldMissing: '', lost: '', today: '', yesterday: '' };

beforeAll(async () => {
  stack = await openRouteStack('retention');
  [mine, theirs] = stack.projects as [string, string];
  await stack.setRetention(1);
  // Still in storage (the janitor has not run), but past the retention.
  refs.old = await stack.storeValue(texts.old, { day: dayAgo(3) });
  refs.oldMissing = await stack.storeValue(texts.lost, { day: dayAgo(3), upload: false });
  refs.lost = await stack.storeValue(texts.lost, { upload: false });
  refs.today = await stack.storeValue(JSON.stringify({ today: 1 }));
  refs.yesterday = await stack.storeValue(JSON.stringify({ yesterday: 1 }), { day: dayAgo(1) });
  [run] = (await stack.write([
    {
      pipeline: 'search',
      steps: [
        {
          name: 'filter',
          decisions: [
            [
              'doc-1',
              'kept',
              'fine',
              {
                attributes: {
                  [C.ATTR_XRAY_DECISION_INPUT_REF]: refs.oldMissing,
                  [C.ATTR_XRAY_DECISION_OUTPUT_REF]: refs.lost,
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

describe('GET /v1/project', () => {
  it("answers the key's project and its own retention", async () => {
    const { status, body } = await stack.get<ProjectResponse>('/v1/project');
    expect([status, body]).toEqual([200, { projectId: mine, retention: { days: 1, source: 'project' } }]);
  });

  it("answers the deployment's default for a project without its own, to an admin key too", async () => {
    const { status, body } = await stack.get<ProjectResponse>('/v1/project', stack.adminKeys[theirs]);
    expect([status, body]).toEqual([200, { projectId: theirs, retention: { days: 30, source: 'default' } }]);
    expect((await stack.get('/v1/project', stack.keys.ingest)).status).toBe(403);
  });
});

describe('GET /v1/payloads/{day}/{sha256} and retention', () => {
  it("answers 410 for a day past the project's retention, even while the object is still stored", async () => {
    const { status, body } = await stack.get<ErrorResponse>(download(refs.old));
    expect([status, body.error]).toEqual([
      410,
      { code: 'gone', message: `Payloads stored on ${dayAgo(3)} expired after the project's 1-day retention.` },
    ]);
    expect((await stack.get(download(refs.oldMissing))).status).toBe(410);
  });

  it('answers recent days as before: 200 when stored, 404 when not', async () => {
    expect((await stack.raw(download(refs.today))).status).toBe(200);
    expect((await stack.raw(download(refs.yesterday))).status).toBe(200);
    const lost = await stack.get<ErrorResponse>(download(refs.lost));
    expect([lost.status, lost.body.error.code]).toEqual([404, 'not_found']);
  });

  it('judges each project by its own retention: 30 days by default', async () => {
    const old = await stack.storeValue(texts.old, { project: theirs, day: dayAgo(3) });
    expect(
      (await stack.raw(download(old), { headers: { authorization: `Bearer ${stack.keys[theirs]}` } })).status
    ).toBe(200);
    const older = await stack.storeValue(texts.old, { project: theirs, day: dayAgo(40), upload: false });
    const { status, body } = await stack.get<ErrorResponse>(download(older), stack.keys[theirs]);
    expect([status, body.error.message]).toEqual([
      410,
      `Payloads stored on ${dayAgo(40)} expired after the project's 30-day retention.`,
    ]);
  });
});

describe('payload states in answers', () => {
  it('say a value of an expired day is expired, and one merely not in storage is missing', async () => {
    const { status, body } = await stack.get<DecisionDetail>(`/v1/decisions/${run.stepIds[0]}-0`);
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('input');
    expect(body.payloads).toEqual({
      input: {
        state: 'expired',
        bytes: Buffer.byteLength(texts.lost),
        sha256: sha(texts.lost),
        message: expiredPayloadMessage(dayAgo(3), 1),
      },
      output: {
        state: 'missing',
        bytes: Buffer.byteLength(texts.lost),
        sha256: sha(texts.lost),
        message: MISSING_PAYLOAD_MESSAGE,
      },
    });
  });
});

import { TRUNCATED_KEY } from '@xray/otel';
import { describe, expect, it } from 'vitest';
import { deletedRunMessage, expiredPayloadsMessage, RunDeletion } from './deletions.js';
import {
  jsonBytes,
  PayloadInfo,
  TRUNCATED_PAYLOAD_MESSAGE,
  TRUNCATION_REASON_MESSAGES,
  utf8Head,
  valueInfo,
} from './payloads.js';
import { ProjectResponse } from './projects.js';
import { toStepList, toStepSummary } from './steps.js';

const step = (o: Record<string, unknown>) => ({
  step_id: 'a',
  status: 'ok',
  input_count: 8,
  output_count: 0,
  decision_count: 0,
  eliminated_count: 0,
  elimination_ratio: 1,
  started_text: '2026-11-20 12:00:00.000000000',
  ended_text: '2026-11-20 12:00:00.000000000',
  ...o,
});

describe('step answers', () => {
  it('read a step that failed before deciding anything as eliminating nothing, also from rows stored with ratio 1', () => {
    expect(toStepSummary(step({ status: 'error' })).eliminationRatio).toBe(0);
    expect(toStepSummary(step({ status: 'error', decision_count: 3, elimination_ratio: 0.5 })).eliminationRatio).toBe(
      0.5
    );
    expect(toStepSummary(step({ status: 'ok' })).eliminationRatio).toBe(1);
  });

  it('never name such a step the worst, whatever counts it carries', () => {
    const list = toStepList('r', [
      step({ step_id: 'a', status: 'error', eliminated_count: 8 }),
      step({ step_id: 'b', decision_count: 5, eliminated_count: 2 }),
    ]);
    expect(list.worstStepId).toBe('b');
  });
});

describe('payload values', () => {
  it('measure JSON in UTF-8 bytes and cut it on a character boundary', () => {
    expect(jsonBytes({ a: 'é' })).toBe(10);
    const bytes = Buffer.from('"aé€😀"');
    expect(utf8Head(bytes, 3)).toBe('"a');
    expect(utf8Head(bytes, 4)).toBe('"aé');
    expect(utf8Head(bytes, 6)).toBe('"aé');
    expect(utf8Head(bytes, 7)).toBe('"aé€');
    expect(utf8Head(bytes, 10)).toBe('"aé€');
    expect(utf8Head(bytes, 100)).toBe('"aé€😀"');
  });

  it("recognise the SDK's over-cap marker, with its original size when it says", () => {
    expect(valueInfo({ a: 1 }, 'inline')).toEqual({ state: 'inline', bytes: 7 });
    const marker = { [TRUNCATED_KEY]: true, originalBytes: 5000, preview: 'x' };
    expect(valueInfo(marker, 'whole')).toEqual({ state: 'truncated', bytes: 5000, message: TRUNCATED_PAYLOAD_MESSAGE });
    // A value under the cap that the SDK could not hold for upload says so, not "over the cap".
    expect(valueInfo({ ...marker, reason: 'queue_full' }, 'inline').message).toBe(
      TRUNCATION_REASON_MESSAGES.queue_full
    );
    expect(valueInfo({ [TRUNCATED_KEY]: true }, 'inline').bytes).toBe(24);
  });
});

describe('deletions and retention', () => {
  it('describe a deleted run as the CLI reads it, and refuse any other status', () => {
    const deletion = {
      runId: 'a'.repeat(32),
      status: 'deleted',
      deletedAt: '2026-11-20T12:00:00.000Z',
      alreadyDeleted: false,
      removed: { runs: 1, steps: 2, decisions: 40, objects: 3 },
    };
    expect(RunDeletion.parse(deletion)).toEqual(deletion);
    expect(RunDeletion.safeParse({ ...deletion, status: 'pending' }).success).toBe(false);
  });

  it('say what is gone in sentences', () => {
    expect(deletedRunMessage('r1', '2026-11-20T12:00:00.000Z')).toBe(
      'Run r1 was deleted on 2026-11-20T12:00:00.000Z; its steps, decisions and payloads are gone.'
    );
    expect(expiredPayloadsMessage('2026-11-01', 7)).toBe(
      "Payloads stored on 2026-11-01 expired after the project's 7-day retention."
    );
  });

  it('know expired and deleted payloads, and where a retention comes from', () => {
    for (const state of ['expired', 'deleted', 'missing'])
      expect(PayloadInfo.safeParse({ state, bytes: 1, message: 'why' }).success).toBe(true);
    const project = { projectId: 'p', retention: { days: 30, source: 'default' } };
    expect(ProjectResponse.parse(project)).toEqual(project);
    expect(ProjectResponse.safeParse({ ...project, retention: { days: 30, source: 'env' } }).success).toBe(false);
  });
});

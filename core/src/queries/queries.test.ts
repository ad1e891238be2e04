import { describe, expect, it } from 'vitest';
import { listDecisionsQuery } from './decisions.js';
import { listRunsQuery, pipelinesQuery } from './runs.js';

describe('query builders', () => {
  it('bind every filter value as a parameter, never into the SQL text', () => {
    const hostile = "x' OR 1=1 --";
    const q = listRunsQuery({
      projectId: 'p',
      pipeline: hostile,
      minEliminationRatio: 0.5,
      fromMillis: 1,
      toMillis: 2,
      limit: 10,
    });
    expect(q.query).not.toContain(hostile);
    expect(q.query_params).toMatchObject({
      projectId: 'p',
      pipeline: hostile,
      minRatio: 0.5,
      fromMs: 1,
      toMs: 2,
      limit: 11,
    });
    const d = listDecisionsQuery({
      projectId: 'p',
      stepId: 's',
      itemId: hostile,
      outcome: 'eliminated',
      afterSeq: 7,
      limit: 5,
    });
    expect(d.query).not.toContain(hostile);
    expect(d.query_params).toMatchObject({ itemId: hostile, outcome: 'eliminated', afterSeq: 7, limit: 6 });
  });

  it('find runs with failed steps: status=error also finds runs that ended ok with a failed step', () => {
    const error = listRunsQuery({ projectId: 'p', status: 'error', limit: 1 });
    expect(error.query).toContain('(status = {status:String} OR failed_steps > 0)');
    expect(listRunsQuery({ projectId: 'p', status: 'ok', limit: 1 }).query).not.toContain('failed_steps >');
    expect(listRunsQuery({ projectId: 'p', failedSteps: true, limit: 1 }).query).toContain('AND failed_steps > 0');
    expect(listRunsQuery({ projectId: 'p', failedSteps: false, limit: 1 }).query).toContain('AND failed_steps = 0');
  });

  it('filter decisions by reason text only among those sent without a reason code, as the histogram groups them', () => {
    const d = listDecisionsQuery({ projectId: 'p', stepId: 's', reason: 'Missing keywords', limit: 5 });
    expect(d.query).toContain("reason = {reason:String} AND reason_code = ''");
    expect(d.query_params.reason).toBe('Missing keywords');
  });

  it('list pipelines of a start-time range with the same eliminated count as the trends', () => {
    const q = pipelinesQuery({ projectId: 'p', fromMillis: 1, toMillis: 2, limit: 10 });
    expect(q.query).toContain(
      'started_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND started_at < fromUnixTimestamp64Milli({toMs:Int64})'
    );
    expect(q.query).toContain('sum(input_count - least(output_count, input_count)) AS eliminated');
    expect(q.query_params).toEqual({ projectId: 'p', fromMs: 1, toMs: 2, limit: 10 });
    expect(pipelinesQuery({ projectId: 'p', limit: 10 }).query).not.toContain('started_at >=');
  });

  it('filter by project first and read with FINAL', () => {
    for (const q of [
      listRunsQuery({ projectId: 'p', limit: 1 }),
      listDecisionsQuery({ projectId: 'p', stepId: 's', limit: 1 }),
      pipelinesQuery({ projectId: 'p', limit: 1 }),
    ]) {
      expect(q.query).toMatch(/FINAL WHERE project_id = \{projectId:String\}/);
    }
  });
});

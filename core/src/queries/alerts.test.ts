import { describe, expect, it } from 'vitest';
import { eliminationRatioQuery, itemsEliminatedQuery, reasonShareQuery, stepIdsQuery } from './alerts.js';

const w = { projectId: 'p', pipeline: "x' OR 1=1 --", step: 'filter', fromMs: 1000, toMs: 61_000 };

describe('alert evaluation queries', () => {
  it('bind every value as a parameter and filter by project first', () => {
    for (const q of [
      eliminationRatioQuery(w),
      stepIdsQuery(w),
      reasonShareQuery({ projectId: 'p', stepIds: ['a'], current: ['a'], reasonCode: 'c' }),
      itemsEliminatedQuery('p', ['i'], 1, 2),
    ]) {
      expect(q.query).toContain('project_id = {projectId:String}');
      expect(q.query).not.toContain("x' OR");
      expect(q.query_params.projectId).toBe('p');
    }
    expect(eliminationRatioQuery(w).query_params).toMatchObject({
      pipeline: "x' OR 1=1 --",
      step: 'filter',
      fromMs: 1000,
      toMs: 61_000,
    });
  });

  it('read steps exactly (FINAL) and select decisions by their sort key', () => {
    expect(eliminationRatioQuery(w).query).toMatch(/FROM steps FINAL/);
    const q = reasonShareQuery({
      projectId: 'p',
      stepIds: ['a', 'b'],
      current: ['b'],
      reason: 'Too old',
      outcome: 'eliminated',
    });
    expect(q.query).toContain('step_id IN {stepIds:Array(String)}');
    expect(q.query).toContain('reason = {reason:String}');
    expect(q.query_params).toMatchObject({ reason: 'Too old', outcome: 'eliminated', current: ['b'] });
    expect(reasonShareQuery({ projectId: 'p', stepIds: ['a'], current: [], reasonCode: 'old' }).query).toContain(
      'reason_code = {reason:String}'
    );
  });

  it('find watch-listed items through the item_id index', () => {
    const q = itemsEliminatedQuery('p', ['doc-1', 'doc-2'], 1, 2);
    expect(q.query).toContain('item_id IN {items:Array(String)}');
    expect(q.query).toContain("outcome = 'eliminated'");
    expect(q.query_params.items).toEqual(['doc-1', 'doc-2']);
  });
});

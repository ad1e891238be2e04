import { describe, expect, it } from 'vitest';
import { formatEventId, parseEventId } from './ids.js';
import { listDecisionsQuery, listRunsQuery } from './queries.js';

describe('query builders', () => {
  it('bind every filter value as a parameter, never into the SQL text', () => {
    const hostile = "x' OR 1=1 --";
    const q = listRunsQuery({ projectId: 'p', pipeline: hostile, minEliminationRatio: 0.5, fromMillis: 1, toMillis: 2, limit: 10 });
    expect(q.query).not.toContain(hostile);
    expect(q.query_params).toMatchObject({ projectId: 'p', pipeline: hostile, minRatio: 0.5, fromMs: 1, toMs: 2, limit: 11 });
    const d = listDecisionsQuery({ projectId: 'p', stepId: 's', itemId: hostile, outcome: 'eliminated', afterSeq: 7, limit: 5 });
    expect(d.query).not.toContain(hostile);
    expect(d.query_params).toMatchObject({ itemId: hostile, outcome: 'eliminated', afterSeq: 7, limit: 6 });
  });

  it('filter by project first and read with FINAL', () => {
    for (const q of [listRunsQuery({ projectId: 'p', limit: 1 }), listDecisionsQuery({ projectId: 'p', stepId: 's', limit: 1 })]) {
      expect(q.query).toMatch(/FINAL WHERE project_id = \{projectId:String\}/);
    }
  });
});

describe('event ids', () => {
  it('round-trip a step id and sequence number', () => {
    expect(parseEventId(formatEventId('0123456789abcdef', 137))).toEqual({ stepId: '0123456789abcdef', seq: 137 });
  });
  it('reject malformed ids', () => {
    for (const bad of ['', 'abc-1', '0123456789abcdef', '0123456789abcdef-', '0123456789abcdef-x', '0123456789ABCDEF-1', '0123456789abcdef-99999999999']) {
      expect(parseEventId(bad)).toBeUndefined();
    }
  });
});

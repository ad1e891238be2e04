/** Steps and decisions: a step's decisions, its reason histogram, its raw record, and one decision with its payload. */
import { createRoute } from '@hono/zod-openapi';
import {
  DecisionDetail,
  DecisionListResponse,
  Payload,
  ReasonHistogramResponse,
  toDecisionSummary,
  toReasonHistogram,
  toStepSummary,
} from '@xray/core/api';
import { parseEventId } from '@xray/core/model';
import { getDecisionQuery, getStepQuery, listDecisionsQuery, reasonHistogramQuery } from '@xray/core/queries';
import { z } from 'zod';
import { errors, json, link, linked, routeApp } from '../contract.js';
import { paginate, seqCursor } from '../cursors.js';
import { notFound, payloadScope, type QueryStores, recordMissing, recordOf, runGone, stepNotFound } from '../http.js';
import { consistency, hexId, limit, number, outcome, pathParam, text } from '../params.js';
import { DECISION_PAYLOAD_FIELDS, resolvePayloads, SPAN_PAYLOAD_FIELDS } from '../payloads.js';

/** Reasons are free text (an LLM's explanation, say); a filter on one may be as long as a URL allows. */
const MAX_REASON_LENGTH = 16_384;

/** What the path of GET /v1/decisions/{eventId} takes (the id's sequence number is at most 10 digits). */
const EVENT_ID_PATTERN = '[0-9a-fA-F]{16}-[0-9]{1,10}';

const stepParams = z.object({ stepId: hexId('stepId', 16, 'step id', '00f067aa0ba902b7') });

/** Links from a list of decisions at `at` (a JSON pointer) to the first one and its item. */
function decisionLinks(at: string) {
  return {
    Decision: link(
      'getDecision',
      { eventId: `$response.body#${at}/0/eventId` },
      'The first decision, with its payload'
    ),
    ItemInRun: link(
      'getItemInRun',
      { runId: `$response.body#${at}/0/runId`, itemId: `$response.body#${at}/0/itemId` },
      "Where the first decision's item went in its run"
    ),
    ItemRuns: link(
      'listItemRuns',
      { itemId: `$response.body#${at}/0/itemId` },
      "The runs the first decision's item went through"
    ),
  };
}

const decisions = createRoute({
  method: 'get',
  path: '/steps/{stepId}/decisions',
  operationId: 'listDecisions',
  summary: "A step's decisions, in decision order",
  request: {
    params: stepParams,
    query: z.object({
      limit: limit(),
      cursor: seqCursor,
      outcome,
      itemId: text('itemId', 'only this item'),
      reasonCode: text('reasonCode', 'only this reason code'),
      reason: text('reason', 'only this reason text (exact)', MAX_REASON_LENGTH),
      minScore: number('minScore', 'lowest score'),
      maxScore: number('maxScore', 'highest score'),
    }),
  },
  responses: {
    200: linked(json(DecisionListResponse, 'One page of decisions'), decisionLinks('/decisions')),
    ...errors(404, 410),
  },
});

const reasons = createRoute({
  method: 'get',
  path: '/steps/{stepId}/reasons',
  operationId: 'getReasons',
  summary: 'Why the step decided as it did: a reason histogram with example decisions',
  request: {
    params: stepParams,
    query: z.object({
      outcome,
      examples: limit({
        name: 'examples',
        fallback: 3,
        max: 10,
        description: 'example decisions per reason (1-10, default 3)',
      }),
      consistency,
      limit: limit({ description: 'at most this many reasons (1-1000, default 50)' }),
    }),
  },
  responses: {
    200: linked(json(ReasonHistogramResponse, 'Reasons, most frequent first'), {
      Example: link(
        'getDecision',
        { eventId: '$response.body#/reasons/0/examples/0/eventId' },
        'An example decision of the most frequent reason'
      ),
      Decisions: link(
        'listDecisions',
        { stepId: '$response.body#/stepId', reason: '$response.body#/reasons/0/examples/0/reason' },
        "The step's decisions with the most frequent reason"
      ),
    }),
    ...errors(404, 410),
  },
});

const payload = createRoute({
  method: 'get',
  path: '/steps/{stepId}/payload',
  operationId: 'getStepPayload',
  summary: "The step's record from S3: input and output (inline or read by reference, see payloads), status, times",
  request: { params: stepParams },
  responses: { 200: json(Payload, 'The record'), ...errors(404, 410) },
});

/** A decision id as the path gives it; `id` is undefined when no decision can have it (a sequence number past 2^32 - 1). */
const eventId = pathParam(
  'decision id: <step id>-<sequence number>',
  { type: 'string', pattern: `^${EVENT_ID_PATTERN}$`, examples: ['00f067aa0ba902b7-42'] },
  (raw) => {
    const eventId = raw.toLowerCase();
    return new RegExp(`^${EVENT_ID_PATTERN}$`).test(eventId) ? { eventId, id: parseEventId(eventId) } : undefined;
  },
  (raw) => `eventId must look like <16 hex chars>-<sequence number>, got ${JSON.stringify(raw.toLowerCase())}`
);

const decision = createRoute({
  method: 'get',
  path: '/decisions/{eventId}',
  operationId: 'getDecision',
  summary: 'One decision with its payload from S3: input, output, metadata, and where each stands (payloads)',
  request: { params: z.object({ eventId }) },
  responses: { 200: json(DecisionDetail, 'The decision'), ...errors(404, 410) },
});

export function stepRoutes(stores: QueryStores) {
  const { rows, payloads } = stores;
  const app = routeApp();

  app.openapi(decisions, async (c) => {
    const projectId = c.var.projectId;
    const { stepId } = c.req.valid('param');
    const { cursor: afterSeq, ...q } = c.req.valid('query');
    const found = await rows.rows(
      listDecisionsQuery({ projectId, stepId, ...q, ...(afterSeq !== undefined ? { afterSeq } : {}) })
    );
    let runId = found[0]?.run_id;
    if (found.length === 0 && afterSeq === undefined) {
      const [step] = await rows.rows(getStepQuery(projectId, stepId));
      if (!step) return stepNotFound(c, stepId);
      runId = step.run_id;
    }
    const deleted = runId === undefined ? undefined : await runGone(c, rows, String(runId));
    if (deleted) return deleted;
    const page = paginate(found, q.limit, (last) => Number(last.seq));
    return c.json({ stepId, decisions: page.items.map(toDecisionSummary), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(reasons, async (c) => {
    const projectId = c.var.projectId;
    const { stepId } = c.req.valid('param');
    const q = c.req.valid('query');
    const query = reasonHistogramQuery({
      projectId,
      stepId,
      outcome: q.outcome,
      examples: q.examples,
      exact: q.consistency === 'exact',
      limit: q.limit,
    });
    const [[step], found] = await Promise.all([rows.rows(getStepQuery(projectId, stepId)), rows.rows(query)]);
    if (!step) return stepNotFound(c, stepId);
    const deleted = await runGone(c, rows, String(step.run_id));
    if (deleted) return deleted;
    return c.json(toReasonHistogram(toStepSummary(step), found), 200);
  });

  app.openapi(payload, async (c) => {
    const projectId = c.var.projectId;
    const { stepId } = c.req.valid('param');
    const [row] = await rows.rows(getStepQuery(projectId, stepId));
    if (!row) return stepNotFound(c, stepId);
    const runId = String(row.run_id);
    const deleted = await runGone(c, rows, runId);
    if (deleted) return deleted;
    const scope = payloadScope(c, stores, runId);
    const record = await recordOf(payloads, projectId, row, { kind: 'step' });
    if (!record) return recordMissing(c, scope, row, `The payload of step ${stepId} is missing from storage.`);
    return c.json(await resolvePayloads(payloads, scope, record, SPAN_PAYLOAD_FIELDS), 200);
  });

  app.openapi(decision, async (c) => {
    const projectId = c.var.projectId;
    const { eventId, id } = c.req.valid('param').eventId;
    const [row] = id ? await rows.rows(getDecisionQuery(projectId, id.stepId, id.seq)) : [];
    if (!row)
      return notFound(
        c,
        `No decision ${eventId} in this project. Decision ids come from GET /v1/steps/{stepId}/decisions.`
      );
    const summary = toDecisionSummary(row);
    // A decision of a deleted run (its rows not yet removed) is gone with it.
    const deleted = await runGone(c, rows, summary.runId);
    if (deleted) return deleted;
    // The record's id as the mapping wrote it (the path's may differ, e.g. a sequence number with leading zeros).
    const record = await recordOf(payloads, projectId, row, { eventId: summary.eventId });
    const scope = payloadScope(c, stores, summary.runId);
    const resolved = record && (await resolvePayloads(payloads, scope, record, DECISION_PAYLOAD_FIELDS));
    const body: DecisionDetail = {
      ...summary,
      ...(resolved
        ? { input: resolved.input, output: resolved.output, metadata: resolved.metadata, payloads: resolved.payloads }
        : {}),
    };
    return c.json(body, 200);
  });

  return app;
}

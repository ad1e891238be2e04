/** Steps and decisions: a step's decisions, its reason histogram, its raw record, and one decision with its payload. */
import {
  type DecisionDetail,
  type DecisionListResponse,
  type ReasonHistogramResponse,
  toDecisionSummary,
  toReasonHistogram,
  toStepSummary,
} from '@xray/core/api';
import { parseEventId } from '@xray/core/model';
import { getDecisionQuery, getStepQuery, listDecisionsQuery, reasonHistogramQuery } from '@xray/core/queries';
import { Hono } from 'hono';
import {
  type Env,
  exactParam,
  isSeqCursor,
  notFound,
  paginate,
  payloadOf,
  type QueryStores,
  stepIdParam,
  stepNotFound,
} from '../http.js';
import { BadRequest, decodeCursor, limitParam, numberParam, outcomeParam, textParam } from '../params.js';

/** Reasons are free text (an LLM's explanation, say); a filter on one may be as long as a URL allows. */
const MAX_REASON_LENGTH = 16_384;

export function stepRoutes({ rows, payloads }: QueryStores): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/steps/:stepId/decisions', async (c) => {
    const projectId = c.var.projectId;
    const stepId = stepIdParam(c);
    const limit = limitParam(c.req.query('limit'));
    const afterSeq = decodeCursor(c.req.query('cursor'), isSeqCursor);
    const found = await rows.rows(
      listDecisionsQuery({
        projectId,
        stepId,
        limit,
        outcome: outcomeParam(c.req.query('outcome')),
        itemId: textParam('itemId', c.req.query('itemId')),
        reasonCode: textParam('reasonCode', c.req.query('reasonCode')),
        reason: textParam('reason', c.req.query('reason'), MAX_REASON_LENGTH),
        minScore: numberParam('minScore', c.req.query('minScore')),
        maxScore: numberParam('maxScore', c.req.query('maxScore')),
        ...(afterSeq !== undefined ? { afterSeq } : {}),
      })
    );
    if (found.length === 0 && afterSeq === undefined) {
      const [step] = await rows.rows(getStepQuery(projectId, stepId));
      if (!step) return stepNotFound(c, stepId);
    }
    const page = paginate(found, limit, (last) => Number(last.seq));
    const body: DecisionListResponse = {
      stepId,
      decisions: page.items.map(toDecisionSummary),
      nextCursor: page.nextCursor,
    };
    return c.json(body);
  });

  app.get('/steps/:stepId/reasons', async (c) => {
    const projectId = c.var.projectId;
    const stepId = stepIdParam(c);
    const query = reasonHistogramQuery({
      projectId,
      stepId,
      outcome: outcomeParam(c.req.query('outcome')),
      examples: limitParam(c.req.query('examples'), 3, 10, 'examples'),
      exact: exactParam(c.req.query('consistency')),
      limit: limitParam(c.req.query('limit'), 50, 1000),
    });
    const [[step], found] = await Promise.all([rows.rows(getStepQuery(projectId, stepId)), rows.rows(query)]);
    if (!step) return stepNotFound(c, stepId);
    const body: ReasonHistogramResponse = toReasonHistogram(toStepSummary(step), found);
    return c.json(body);
  });

  app.get('/steps/:stepId/payload', async (c) => {
    const projectId = c.var.projectId;
    const stepId = stepIdParam(c);
    const [row] = await rows.rows(getStepQuery(projectId, stepId));
    if (!row) return stepNotFound(c, stepId);
    const payload = await payloadOf(payloads, projectId, row);
    if (!payload) return notFound(c, `The payload of step ${stepId} is missing from storage.`);
    return c.json(payload);
  });

  app.get('/decisions/:eventId', async (c) => {
    const projectId = c.var.projectId;
    const eventId = c.req.param('eventId').toLowerCase();
    const id = parseEventId(eventId);
    if (!id)
      throw new BadRequest(`eventId must look like <16 hex chars>-<sequence number>, got ${JSON.stringify(eventId)}`);
    const [row] = await rows.rows(getDecisionQuery(projectId, id.stepId, id.seq));
    if (!row)
      return notFound(
        c,
        `No decision ${eventId} in this project. Decision ids come from GET /v1/steps/{stepId}/decisions.`
      );
    const payload = await payloadOf(payloads, projectId, row);
    const body: DecisionDetail = {
      ...toDecisionSummary(row),
      ...(payload ? { input: payload.input, output: payload.output, metadata: payload.metadata } : {}),
    };
    return c.json(body);
  });

  return app;
}

import { withParams as withQuery } from './api/client';
import { PLUGIN_BASE_URL } from './constants';

/** Every page's state lives in its URL: these build the deep links the pages and alerts share. */

type Query = Record<string, string | number | undefined | null>;

const enc = encodeURIComponent;

export const ROUTES = {
  runs: 'runs',
  run: 'runs/:runId',
  step: 'runs/:runId/steps/:stepId',
  items: 'items',
  item: 'items/:itemId',
  compare: 'compare',
  compareRuns: 'compare/:runA/:runB',
} as const;

export interface RunsFilter {
  pipeline?: string;
  from?: string;
  to?: string;
  minRatio?: string;
  status?: string;
  sort?: string;
}

export const urls = {
  runs: (filter: RunsFilter = {}) => withQuery(`${PLUGIN_BASE_URL}/runs`, { ...filter }),
  run: (runId: string) => `${PLUGIN_BASE_URL}/runs/${enc(runId)}`,
  step: (runId: string, stepId: string, query: Query = {}) =>
    withQuery(`${PLUGIN_BASE_URL}/runs/${enc(runId)}/steps/${enc(stepId)}`, query),
  item: (itemId: string, query: Query = {}) => withQuery(`${PLUGIN_BASE_URL}/items/${enc(itemId)}`, query),
  compare: (runA?: string, runB?: string) =>
    runA && runB
      ? `${PLUGIN_BASE_URL}/compare/${enc(runA)}/${enc(runB)}`
      : withQuery(`${PLUGIN_BASE_URL}/compare`, { a: runA }),
};

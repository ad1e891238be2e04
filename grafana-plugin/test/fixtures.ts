// The query API answers recorded from a real stack (e2e/src/grafana/fixtures.test.ts), and a
// stand-in for Grafana's backendSrv that answers the plugin's proxy requests with them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import { type BackendSrv, type BackendSrvRequest, type FetchResponse, setBackendSrv } from '@grafana/runtime';

export interface Fixture<T = unknown> {
  path: string;
  status: number;
  body: T;
}

// Tests run with the repository root as the working directory (jsdom hides this file's own path).
const FIXTURE_DIR = [join(process.cwd(), 'grafana-plugin/test/fixtures'), join(process.cwd(), 'test/fixtures')].find(
  (d) => existsSync(d)
)!;

export function fixture<T = any>(name: string): Fixture<T> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Fixture<T>;
}

/** Ids in the recorded demo data: the buggy run (ALL keywords), the fixed one, the worst step. */
export const demo = (() => {
  const runs = fixture<{ runs: Array<{ runId: string; eliminationRatio: number }> }>('runs').body.runs;
  const buggy = fixture<{ runId: string }>('run').body.runId;
  return {
    buggy,
    fixed: runs.find((r) => r.runId !== buggy)!.runId,
    worstStepId: fixture<{ worstStepId: string }>('run-steps').body.worstStepId,
    eventId: fixture<{ eventId: string }>('decision').body.eventId,
    itemId: fixture<{ itemId: string }>('item-in-run').body.itemId,
  };
})();

/** Which recorded answer a query API path gets: by route, like the API itself. */
const ROUTES: Array<[RegExp, (url: URL) => string]> = [
  [/^\/v1\/pipelines$/, () => 'pipelines'],
  [/^\/v1\/runs\/[^/]+\/steps$/, () => 'run-steps'],
  [/^\/v1\/runs\/[^/]+\/items\/[^/]+$/, () => 'item-in-run'],
  [/^\/v1\/runs\/[^/]+\/diff\/[^/]+$/, () => 'diff'],
  [/^\/v1\/runs\/[^/]+$/, (u) => (u.pathname.endsWith(demo.buggy) ? 'run' : 'not-found-run')],
  [
    /^\/v1\/runs$/,
    (u) =>
      u.searchParams.get('pipeline') && u.searchParams.get('pipeline') !== 'vendor-search' ? 'runs-empty' : 'runs',
  ],
  [/^\/v1\/steps\/[^/]+\/reasons$/, () => 'step-reasons'],
  [
    /^\/v1\/steps\/[^/]+\/decisions$/,
    (u) => (u.searchParams.get('outcome') === 'eliminated' ? 'step-decisions-eliminated' : 'step-decisions'),
  ],
  [/^\/v1\/decisions\/[^/]+$/, () => 'decision'],
  [/^\/v1\/items\/[^/]+\/runs$/, () => 'item-runs'],
  [/^\/v1\/trends$/, (u) => (u.searchParams.get('by') === 'step' ? 'trends-steps' : 'trends-pipeline')],
];

export function defaultFixture(url: URL): string {
  const route = ROUTES.find(([pattern]) => pattern.test(url.pathname));
  if (!route) {
    throw new Error(`no fixture for ${url.pathname}`);
  }
  return route[1](url);
}

export interface FakeBackend {
  /** Every query API path the plugin asked for (proxy prefix removed), in order. */
  requests: URL[];
}

/**
 * Installs a backendSrv whose fetch answers proxy requests from fixtures. `answer` may return a
 * fixture name, a status (answered with no body, as Grafana's proxy does for 502), or null for an
 * answer that never comes (a request still loading).
 */
export function serveFixtures(
  proxyPrefix: string,
  answer: (url: URL) => string | number | null = defaultFixture
): FakeBackend {
  const requests: URL[] = [];
  const fetch = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const url = new URL(options.url.slice(proxyPrefix.length), 'http://query.test');
      requests.push(url);
      const chosen = answer(url);
      if (chosen === null) {
        return;
      }
      const { status, body } = typeof chosen === 'number' ? { status: chosen, body: undefined } : fixture(chosen);
      const response = {
        data: body as T,
        status,
        statusText: '',
        ok: status < 300,
        headers: new Headers(),
        redirected: false,
        type: 'basic',
        url: options.url,
        config: options,
      } as FetchResponse<T>;
      // Answer asynchronously, as a network would.
      setTimeout(
        () =>
          status < 300
            ? (subscriber.next(response), subscriber.complete())
            : subscriber.error({ ...response, data: body }),
        0
      );
    });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return { requests };
}

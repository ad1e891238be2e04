import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { renderApp } from '../../test/render';

describe('Item page', () => {
  it('follows the item step by step in a run and names where it died, and why', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`items/${demo.itemId}?run=${demo.buggy}`);
    const died = await screen.findByTestId('eliminated-at');
    const inRun = fixture('item-in-run').body;
    expect(died).toHaveTextContent(`Eliminated at ${inRun.eliminatedAt.stepName}`);
    expect(died).toHaveTextContent(inRun.eliminatedAt.reason);
    for (const d of inRun.decisions) {
      expect(screen.getByRole('link', { name: d.stepName })).toHaveAttribute(
        'href',
        expect.stringContaining(`/steps/${d.stepId}?item=${demo.itemId}`)
      );
    }
  });

  it('says the run recorded nothing about the item when the API answers 404, with its sentence', async () => {
    serveFixtures(APP_PROXY_URL, (url) =>
      url.pathname.includes('/items/') && url.pathname.startsWith('/v1/runs/') ? 'not-found-run' : defaultFixture(url)
    );
    renderApp(`items/${demo.itemId}?run=${demo.buggy}`);
    expect(await screen.findByText(`No recorded decision about ${demo.itemId} in this run`)).toBeInTheDocument();
    expect(screen.getByText(fixture('not-found-run').body.error.message)).toBeInTheDocument();
    expect(screen.queryByTestId('eliminated-at')).toBeNull();
  });

  it('lists every run of the time range with the item fate in each', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp(`items/${demo.itemId}?from=now-1h&to=now`);
    await screen.findByText(/eliminated at filter-by-keywords: Missing required keywords/);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(fixture('item-runs').body.runs.length);
    const fixedRow = rows.find((r) => within(r).queryByText(`${demo.fixed.slice(0, 8)}…`))!;
    expect(within(fixedRow).getByText('not eliminated')).toBeInTheDocument();
    const asked = backend.requests.find((u) => u.pathname === `/v1/items/${demo.itemId}/runs`)!;
    const span = Date.parse(asked.searchParams.get('to')!) - Date.parse(asked.searchParams.get('from')!);
    expect(Math.abs(span - 3_600_000)).toBeLessThan(1000);
  });

  it('opens a run picked in the list on the same time range and rows', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`items/${demo.itemId}?from=now-30d&to=now&rows=150`);
    await userEvent.click(await screen.findByRole('link', { name: `${demo.fixed.slice(0, 8)}…` }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain(`run=${demo.fixed}`));
    const query = new URLSearchParams(screen.getByTestId('location').textContent!.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({ from: 'now-30d', to: 'now', rows: '150', run: demo.fixed });
  });

  it('finds an item from the search form', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp('items');
    await userEvent.type(screen.getByLabelText('Item id'), demo.itemId);
    await userEvent.type(screen.getByLabelText('Run id'), demo.buggy);
    await userEvent.click(screen.getByRole('button', { name: 'Find' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/a/xray-pipeline-app/items/${demo.itemId}?run=${demo.buggy}`
      )
    );
    expect(await screen.findByTestId('eliminated-at')).toBeInTheDocument();
  });
});

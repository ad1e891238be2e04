import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const diff = fixture('diff').body;

describe('Compare page', () => {
  it('shows each step of both runs with the change in elimination', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`compare/${demo.buggy}/${demo.fixed}`);
    const filterRow = (await screen.findAllByRole('row')).find((r) => within(r).queryByText('filter-by-keywords'))!;
    expect(filterRow).toHaveTextContent('858 of 1,000 (85.8%)');
    expect(filterRow).toHaveTextContent('379 of 1,000 (37.9%)');
    expect(filterRow).toHaveTextContent('−479');
    expect(filterRow).toHaveTextContent('−47.9 pp');
  });

  it('lists the items whose fate changed, with step and reason on each side', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`compare/${demo.buggy}/${demo.fixed}`);
    const first = diff.items[0];
    const link = await screen.findByRole('link', { name: first.itemId });
    const row = link.closest('tr')!;
    expect(row).toHaveTextContent(`eliminated at ${first.a.stepName}: ${first.a.reason}`);
    expect(row).toHaveTextContent('not eliminated');
    expect(screen.getAllByRole('link', { name: /^vendor-doc-/ })).toHaveLength(diff.items.length);
  });

  it('loads more items into the same link, keeping the comparison on screen while they load', async () => {
    // The bigger answer never comes here: the page must not fall back to "Loading".
    const backend = serveFixtures(APP_PROXY_URL, (url) =>
      url.searchParams.get('limit') === '200' ? null : defaultFixture(url)
    );
    renderApp(`compare/${demo.buggy}/${demo.fixed}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Load more items' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/a/xray-pipeline-app/compare/${demo.buggy}/${demo.fixed}?rows=200`
      )
    );
    await waitFor(() => expect(backend.requests.at(-1)!.searchParams.get('limit')).toBe('200'));
    expect(screen.getByText('filter-by-keywords')).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: /^vendor-doc-/ })).toHaveLength(diff.items.length);
    expect(screen.getByRole('button', { name: 'Load more items' })).toBeDisabled();
  });

  it('picks two runs in a form', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`compare?a=${demo.buggy}`);
    expect(screen.getByLabelText('Run A')).toHaveValue(demo.buggy);
    await userEvent.type(screen.getByLabelText('Run B'), demo.fixed);
    await userEvent.click(screen.getByRole('button', { name: 'Compare' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/a/xray-pipeline-app/compare/${demo.buggy}/${demo.fixed}`
      )
    );
  });
});

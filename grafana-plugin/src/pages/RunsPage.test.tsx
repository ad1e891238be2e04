import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { API_URL, renderApp } from '../../test/render';

describe('Runs page', () => {
  it('lists the runs with input → output and highlights the high elimination ratio', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp('runs');
    const buggyLink = await screen.findByRole('link', { name: demo.buggy.slice(0, 8) + '…' });
    expect(buggyLink).toHaveAttribute('href', `/a/xray-pipeline-app/runs/${demo.buggy}`);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(fixture('runs').body.runs.length);
    const buggyRow = rows.find((r) => within(r).queryByText(demo.buggy.slice(0, 8) + '…'))!;
    expect(within(buggyRow).getByText('1,000 → 134')).toBeInTheDocument();
    expect(within(buggyRow).getByText('86.6%')).toHaveAttribute('title', 'Above 60%: worth a look');
    const fixedRow = rows.find((r) => r !== buggyRow)!;
    expect(within(fixedRow).getByText('40.7%')).not.toHaveAttribute('title');
    // The default range is the last 6 hours, sent as absolute times.
    const asked = backend.requests[0]!;
    expect(asked.pathname).toBe('/v1/runs');
    const span = Date.parse(asked.searchParams.get('to')!) - Date.parse(asked.searchParams.get('from')!);
    expect(Math.abs(span - 6 * 3600_000)).toBeLessThan(1000);
  });

  it('keeps the filters in the URL and asks the API with them', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp('runs?sort=ratio&from=now-1h&to=now');
    await screen.findByText('86.6%');
    // The pipeline list comes from the API, with each pipeline's runs and ratio.
    await userEvent.click(screen.getByRole('combobox', { name: 'Pipeline' }));
    await userEvent.keyboard('vendor-search{Enter}');
    await userEvent.type(screen.getByLabelText('Minimum elimination ratio'), '60{Enter}');
    expect(screen.getByTestId('location').textContent).toBe(
      '/a/xray-pipeline-app/runs?sort=ratio&from=now-1h&to=now&pipeline=vendor-search&minRatio=60'
    );
    await screen.findByText('86.6%');
    const last = backend.requests.at(-1)!;
    expect(Object.fromEntries(last.searchParams)).toMatchObject({
      pipeline: 'vendor-search',
      minEliminationRatio: '0.6',
      sort: 'ratio',
      limit: '100',
    });
  });

  it('refuses a ratio outside 0-100 % without asking the API', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp('runs');
    await screen.findByText('86.6%');
    const before = backend.requests.length;
    await userEvent.type(screen.getByLabelText('Minimum elimination ratio'), '250{Enter}');
    expect(screen.getByText('A percentage from 0 to 100')).toBeInTheDocument();
    expect(backend.requests.length).toBe(before);
  });

  it('flags runs with failed steps, also one that ended ok (status=error finds both)', async () => {
    serveFixtures(APP_PROXY_URL, (url) => (url.pathname === '/v1/runs' ? 'runs-failed-steps' : defaultFixture(url)));
    renderApp('runs');
    await screen.findByRole('link', { name: demo.buggy.slice(0, 8) + '…' });
    const rows = screen.getAllByRole('row').slice(1);
    const status = (runId: string) =>
      within(rows.find((r) => within(r).queryByText(runId.slice(0, 8) + '…'))!).getByRole('cell', {
        name: /^(ok|error)/,
      });
    expect(status(demo.fixed)).toHaveTextContent(/^ok\s*1 failed step$/);
    expect(status(demo.buggy)).toHaveTextContent(/^error\s*2 failed steps$/);
  });

  it('shows no failed-steps badge when no step failed', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp('runs');
    await screen.findByText('86.6%');
    expect(screen.queryByText(/failed step/)).toBeNull();
  });

  it('says what to do when no run is in the range', async () => {
    serveFixtures(APP_PROXY_URL, () => 'runs-empty');
    renderApp('runs');
    expect(await screen.findByText('No runs in this time range')).toBeInTheDocument();
    expect(screen.getByText(/npm run demo/)).toBeInTheDocument();
  });

  it('shows the API sentence for a refused parameter', async () => {
    serveFixtures(APP_PROXY_URL, () => 'bad-ratio');
    renderApp('runs');
    expect(await screen.findByText('minEliminationRatio must be a number from 0 to 1, got "2"')).toBeInTheDocument();
  });

  it('says the query API is unreachable, and where, when the proxy answers 502', async () => {
    serveFixtures(APP_PROXY_URL, () => 502);
    renderApp('runs');
    expect(await screen.findByText('Query API unreachable')).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(`Query API unreachable at ${API_URL.replace(/[.]/g, '\\.')}`))
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Try again/ })).toBeInTheDocument();
  });

  it('tells an admin to configure the app when it has no API URL', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp('runs', {});
    expect(await screen.findByText('X-Ray is not configured yet')).toBeInTheDocument();
  });

  it('refreshes an absolute range by asking again, keeping the runs on screen meanwhile', async () => {
    let hold = false;
    const backend = serveFixtures(APP_PROXY_URL, (url) =>
      hold && url.pathname === '/v1/runs' ? null : defaultFixture(url)
    );
    renderApp('runs?from=1764115200000&to=1764118800000');
    await screen.findByText('86.6%');
    const asked = () => backend.requests.filter((u) => u.pathname === '/v1/runs');
    const before = asked().length;
    hold = true;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(asked().length).toBe(before + 1));
    expect(asked().at(-1)!.searchParams.get('from')).toBe('2025-11-26T00:00:00.000Z');
    expect(backend.requests.filter((u) => u.pathname === '/v1/pipelines').length).toBeGreaterThan(1);
    expect(screen.getByText('86.6%')).toBeInTheDocument();
    expect(screen.queryByText(/Loading/)).toBeNull();
  });

  it('shows times in the zone of the link (tz), and keeps it on the next page', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp('runs?tz=America/New_York');
    const buggy = fixture('runs').body.runs.find((r: { runId: string }) => r.runId === demo.buggy)!;
    // November: New York is 5 hours behind UTC.
    const local = new Date(Date.parse(buggy.startedAt) - 5 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
    expect(await screen.findByRole('columnheader', { name: /Started \(America\/New_York\)/ })).toBeInTheDocument();
    expect(screen.getByText(local)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: demo.buggy.slice(0, 8) + '…' }));
    const fixed = fixture('runs').body.runs.find((r: { runId: string }) => r.runId === demo.fixed)!;
    const fixedLocal = new Date(Date.parse(fixed.startedAt) - 5 * 3600_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    expect(await screen.findByRole('list', { name: 'Recent runs to compare with' })).toHaveTextContent(
      `started ${fixedLocal} America/New_York`
    );
    // The run page's own link carries the zone too, so pasting it shows the same times.
    await waitFor(() =>
      expect(new URLSearchParams(screen.getByTestId('location').textContent!.split('?')[1]).get('tz')).toBe(
        'America/New_York'
      )
    );
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const steps = fixture('run-steps').body.steps as Array<{
  name: string;
  stepId: string;
  eliminatedCount: number;
  inputCount: number;
}>;

describe('Run page', () => {
  it('flags the worst step with its ratio and its share of the run', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`runs/${demo.buggy}`);
    const worst = await screen.findByTestId('worst-step');
    expect(worst).toHaveTextContent('Worst step: filter-by-keywords');
    expect(worst).toHaveTextContent('filter-by-keywords eliminated 85.8% of its input (858 of 1,000)');
    expect(within(worst).getByRole('link', { name: 'See why' })).toHaveAttribute(
      'href',
      `/a/xray-pipeline-app/runs/${demo.buggy}/steps/${demo.worstStepId}?outcome=eliminated`
    );
  });

  it('draws the funnel in step order, input → output on each bar', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`runs/${demo.buggy}`);
    const funnel = await screen.findByRole('figure', { name: 'Step funnel' });
    const bars = within(funnel).getAllByTestId(/^funnel-/);
    expect(bars.map((b) => b.dataset.testid)).toEqual(steps.map((s) => `funnel-${s.name}`));
    expect(within(funnel).getByTestId('funnel-filter-by-keywords')).toHaveTextContent('1,000 → 142');
    expect(within(funnel).getByTestId('funnel-filter-by-keywords')).toHaveTextContent('worst step');
    // Clicking a bar opens that step.
    await userEvent.click(within(funnel).getByTestId('funnel-rank-by-relevance'));
    const rank = steps.find((s) => s.name === 'rank-by-relevance')!;
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/a/xray-pipeline-app/runs/${demo.buggy}/steps/${rank.stepId}`
      )
    );
  });

  it('lists the steps and offers the other run of the pipeline to compare with', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`runs/${demo.buggy}`);
    const link = await screen.findByRole('link', { name: `Compare with ${demo.fixed.slice(0, 8)}…` });
    expect(link).toHaveAttribute('href', `/a/xray-pipeline-app/compare/${demo.buggy}/${demo.fixed}`);
    for (const s of steps) {
      expect(screen.getByRole('link', { name: s.name })).toHaveAttribute(
        'href',
        `/a/xray-pipeline-app/runs/${demo.buggy}/steps/${s.stepId}`
      );
    }
    expect(screen.getByLabelText('Run summary')).toHaveTextContent('1,000 → 134');
  });

  it('answers an unknown run with the API sentence', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp('runs/00000000000000000000000000000000');
    expect(await screen.findByText('Not found')).toBeInTheDocument();
    expect(screen.getByText(fixture('not-found-run').body.error.message)).toBeInTheDocument();
  });

  it('opens a step from the funnel with the keyboard too', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`runs/${demo.buggy}`);
    const funnel = await screen.findByRole('figure', { name: 'Step funnel' });
    within(funnel).getByTestId('funnel-filter-by-keywords').focus();
    await userEvent.keyboard(' ');
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/a/xray-pipeline-app/runs/${demo.buggy}/steps/${demo.worstStepId}`
      )
    );
  });

  it('retries both the run and its steps when both failed', async () => {
    let down = true;
    const backend = serveFixtures(APP_PROXY_URL, (url) => (down ? 502 : defaultFixture(url)));
    renderApp(`runs/${demo.buggy}`);
    const retry = await screen.findByRole('button', { name: /Retry|Try again/ });
    await waitFor(() =>
      expect(backend.requests.filter((u) => u.pathname === `/v1/runs/${demo.buggy}/steps`)).toHaveLength(1)
    );
    down = false;
    await userEvent.click(retry);
    expect(await screen.findByTestId('worst-step')).toHaveTextContent('Worst step: filter-by-keywords');
    expect(backend.requests.filter((u) => u.pathname === `/v1/runs/${demo.buggy}/steps`)).toHaveLength(2);
  });
});

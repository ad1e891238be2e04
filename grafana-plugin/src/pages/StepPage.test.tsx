import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const stepUrl = `runs/${demo.buggy}/steps/${demo.worstStepId}`;
const reasons = fixture('step-reasons').body.reasons as Array<{ reason: string; decisions: number }>;

describe('Step page', () => {
  it('shows why the step eliminated: a bar per reason, most frequent first', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(stepUrl);
    const list = await screen.findByRole('list', { name: 'Reasons' });
    const bars = within(list).getAllByRole('listitem');
    expect(bars.map((b) => b.textContent)).toEqual(reasons.map((r) => expect.stringContaining(r.reason)));
    expect(bars[0]).toHaveTextContent('Missing required keywords: security, compliance379 (37.9%)');
  });

  it('filters the decisions by a reason picked in the histogram, and keeps it in the URL', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp(stepUrl);
    const list = await screen.findByRole('list', { name: 'Reasons' });
    await userEvent.click(within(list).getByText('Missing required keywords: security'));
    await waitFor(() =>
      expect(new URLSearchParams(screen.getByTestId('location').textContent!.split('?')[1]).get('reason')).toBe(
        'Missing required keywords: security'
      )
    );
    expect(within(list).getByRole('button', { name: /^Missing required keywords: security\s*\d/ })).toHaveAttribute(
      'aria-pressed',
      'true'
    );
    await waitFor(() =>
      expect(
        backend.requests
          .filter((u) => u.pathname.endsWith('/decisions'))
          .at(-1)!
          .searchParams.get('reason')
      ).toBeTruthy()
    );
    const asked = backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!;
    expect(asked.searchParams.get('reason')).toBe('Missing required keywords: security');
    // The filter shows as a tag that clears it.
    await userEvent.click(await screen.findByText('Reason: Missing required keywords: security ×'));
    await waitFor(() => expect(screen.getByTestId('location').textContent).not.toContain('reason='));
  });

  it('filters by outcome and item id', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp(stepUrl);
    await screen.findByRole('list', { name: 'Reasons' });
    await userEvent.click(screen.getByRole('radio', { name: 'Eliminated' }));
    await userEvent.type(screen.getByLabelText('Item id'), 'vendor-doc-0001{Enter}');
    await waitFor(() =>
      expect(
        backend.requests
          .filter((u) => u.pathname.endsWith('/decisions'))
          .at(-1)!
          .searchParams.get('itemId')
      ).toBe('vendor-doc-0001')
    );
    const asked = backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!;
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({ outcome: 'eliminated', itemId: 'vendor-doc-0001' });
    expect(
      backend.requests
        .filter((u) => u.pathname.endsWith('/reasons'))
        .at(-1)!
        .searchParams.get('outcome')
    ).toBe('eliminated');
  });

  it('lists decisions and opens one decision with its payload in a drawer', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(stepUrl);
    const decision = fixture('decision').body;
    await userEvent.click(await screen.findByRole('button', { name: `Show payload of ${decision.itemId}` }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain(`decision=${decision.eventId}`));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText(`Decision on ${decision.itemId}`)).toBeInTheDocument();
    expect(within(dialog).getByText(decision.reason)).toBeInTheDocument();
    const input = within(dialog).getByRole('region', { name: 'Input' });
    expect(input).toHaveTextContent(`"title": "${decision.input.title}"`);
    expect(within(dialog).getByRole('region', { name: 'Metadata' })).toHaveTextContent('"match": "all"');
    expect(within(dialog).getByRole('region', { name: 'Output' })).toHaveTextContent('Not recorded');
  });

  it('opens the drawer straight from a deep link', async () => {
    serveFixtures(APP_PROXY_URL);
    renderApp(`${stepUrl}?decision=${demo.eventId}`);
    expect(await screen.findByText(`Decision on ${fixture('decision').body.itemId}`)).toBeInTheDocument();
  });

  it('keeps how many decisions it shows in the URL: Load more asks again from the top for more', async () => {
    // The bigger page never arrives here: what matters is what is asked and what stays on screen.
    const backend = serveFixtures(APP_PROXY_URL, (url) =>
      url.searchParams.get('limit') === '100' ? null : defaultFixture(url)
    );
    renderApp(stepUrl);
    const shown = fixture('step-decisions').body.decisions.length;
    await userEvent.click(await screen.findByRole('button', { name: 'Load more decisions' }));
    await waitFor(() => expect(query().get('rows')).toBe('100'));
    const asked = backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!;
    expect(asked.searchParams.get('limit')).toBe('100');
    expect(asked.searchParams.get('cursor')).toBeNull();
    // While they load, the decisions already shown stay, and the button waits.
    expect(screen.getAllByRole('button', { name: /^Show payload of / })).toHaveLength(shown);
    expect(screen.getByRole('button', { name: 'Load more decisions' })).toBeDisabled();
  });

  it('opens a link on the number of decisions it names, up to the 1,000 a page shows', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    const { unmount } = renderApp(`${stepUrl}?rows=150`);
    await screen.findByRole('button', { name: 'Load more decisions' });
    expect(
      backend.requests.filter((u) => u.pathname.endsWith('/decisions')).map((u) => u.searchParams.get('limit'))
    ).toEqual(['150']);
    unmount();

    const capped = serveFixtures(APP_PROXY_URL);
    renderApp(`${stepUrl}?rows=5000`);
    expect(
      await screen.findByText('Showing the first 1,000 decisions; filter by outcome, reason or item to see the others.')
    ).toBeInTheDocument();
    expect(
      capped.requests.filter((u) => u.pathname.endsWith('/decisions')).map((u) => u.searchParams.get('limit'))
    ).toEqual(['1000']);
    expect(screen.queryByRole('button', { name: 'Load more decisions' })).toBeNull();
  });

  it('keeps the decisions shown when more fail to load, and asks again from the same button', async () => {
    const backend = serveFixtures(APP_PROXY_URL, (url) =>
      url.searchParams.get('limit') === '100' ? 502 : defaultFixture(url)
    );
    renderApp(stepUrl);
    const shown = fixture('step-decisions').body.decisions.length;
    await userEvent.click(await screen.findByRole('button', { name: 'Load more decisions' }));
    expect((await screen.findAllByText(/Query API unreachable/))[0]).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^Show payload of / })).toHaveLength(shown);
    const tries = () => backend.requests.filter((u) => u.searchParams.get('limit') === '100').length;
    expect(tries()).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'Load more decisions' }));
    await waitFor(() => expect(tries()).toBe(2));
    expect(query().get('rows')).toBe('100');
  });

  it('starts the list over when a filter changes', async () => {
    const backend = serveFixtures(APP_PROXY_URL);
    renderApp(`${stepUrl}?rows=150`);
    await screen.findByRole('button', { name: 'Load more decisions' });
    await userEvent.click(screen.getByRole('radio', { name: 'Kept' }));
    await waitFor(() => expect(query().get('outcome')).toBe('kept'));
    expect(query().get('rows')).toBeNull();
    await waitFor(() =>
      expect(
        backend.requests
          .filter((u) => u.pathname.endsWith('/decisions'))
          .at(-1)!
          .searchParams.get('limit')
      ).toBe('50')
    );
    // Opening a decision keeps the list as it is.
    await userEvent.click((await screen.findAllByRole('button', { name: /^Show payload of / }))[0]!);
    await waitFor(() => expect(query().get('decision')).toBeTruthy());
    expect(query().get('outcome')).toBe('kept');
  });
});

function query(): URLSearchParams {
  return new URLSearchParams(screen.getByTestId('location').textContent!.split('?')[1]);
}

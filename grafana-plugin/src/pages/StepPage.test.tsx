import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { APP_PROXY_URL } from '../constants';
import { demo, fixture, serveFixtures } from '../../test/fixtures';
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
    await waitFor(() => expect(new URLSearchParams(screen.getByTestId('location').textContent!.split('?')[1]).get('reason')).toBe('Missing required keywords: security'));
    await waitFor(() => expect(backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!.searchParams.get('reason')).toBeTruthy());
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
    await waitFor(() => expect(backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!.searchParams.get('itemId')).toBe('vendor-doc-0001'));
    const asked = backend.requests.filter((u) => u.pathname.endsWith('/decisions')).at(-1)!;
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({ outcome: 'eliminated', itemId: 'vendor-doc-0001' });
    expect(backend.requests.filter((u) => u.pathname.endsWith('/reasons')).at(-1)!.searchParams.get('outcome')).toBe('eliminated');
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
});

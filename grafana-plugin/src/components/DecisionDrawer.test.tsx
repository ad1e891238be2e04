import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '@grafana/runtime';
import { ApiProvider } from '../api/context';
import { proxyApi } from '../api/client';
import type { PayloadInfo } from '../api/types';
import { APP_PROXY_URL } from '../constants';
import { defaultFixture, demo, fixture, serveFixtures } from '../../test/fixtures';
import { API_URL, renderApp } from '../../test/render';
import { PayloadView } from './PayloadView';

// decision-large and decision-sized are written by hand in the shape of the API's answer: sizes of
// 1 MiB and more are stated in them, the values they stand for are not.
const large = fixture('decision-large').body;
const drawerUrl = `runs/${demo.buggy}/steps/${demo.worstStepId}?decision=${demo.eventId}`;

/** Opens the drawer on a decision answered by `name`; the rest of the page by the recorded answers. */
async function openDecision(name: string) {
  const backend = serveFixtures(APP_PROXY_URL, (url) =>
    url.pathname.startsWith('/v1/decisions/') ? name : defaultFixture(url)
  );
  renderApp(drawerUrl);
  const dialog = await screen.findByRole('dialog');
  await within(dialog).findByText(`Decision on ${large.itemId}`);
  const region = (label: string) => within(dialog).getByRole('region', { name: label });
  return { backend, dialog, region };
}

describe('Decision drawer with large payloads', () => {
  const subUrl = config.appSubUrl;
  afterEach(() => {
    config.appSubUrl = subUrl;
  });

  it('shows a payload over 1 MiB by its first part, marked as such, with its full size', async () => {
    const { region } = await openDecision('decision-large');
    const input = region('Input');
    expect(within(input).getByRole('heading')).toHaveTextContent('Input · 20.0 MiB');
    expect(input).toHaveTextContent(
      `Too large to show whole: the first ${large.payloads.input.head.length} B of 20.0 MiB.`
    );
    const head = within(input).getByLabelText('First part of the input');
    expect(head.tagName).toBe('PRE');
    expect(head).toHaveTextContent(large.payloads.input.head);
    expect(head).toHaveTextContent(/… cut here$/);
  });

  it('downloads the whole payload through the proxy, which adds the key, as <eventId>-input.json', async () => {
    const { backend, region } = await openDecision('decision-large');
    const link = within(region('Input')).getByRole('link', { name: 'Download whole (20.0 MiB)' });
    expect(link).toHaveAttribute('href', `${APP_PROXY_URL}${large.payloads.input.download}`);
    expect(link.getAttribute('href')).toMatch(/^\/api\/plugin-proxy\/xray-pipeline-app\/xray\/v1\/payloads\//);
    expect(link).toHaveAttribute('download', `${large.eventId}-input.json`);
    // The browser fetches it when the link is followed; the drawer itself never reads the whole.
    expect(backend.requests.filter((u) => u.pathname.startsWith('/v1/payloads/'))).toEqual([]);
  });

  it("links under Grafana's sub-path when Grafana is served under one", async () => {
    config.appSubUrl = '/grafana';
    const { region } = await openDecision('decision-large');
    expect(within(region('Input')).getByRole('link', { name: /^Download whole/ })).toHaveAttribute(
      'href',
      `/grafana${APP_PROXY_URL}${large.payloads.input.download}`
    );
  });

  it('says the SDK cut a value at its cap, with the size it had, why, and the preview it kept', async () => {
    const { region } = await openDecision('decision-large');
    const output = region('Output');
    expect(within(output).getByRole('heading')).toHaveTextContent(/^Output$/);
    expect(within(output).getByRole('note')).toHaveTextContent(
      `The SDK cut this value at its size cap: it was 80.0 MiB. ${large.payloads.output.message}`
    );
    expect(output).toHaveTextContent(`Its first ${large.output.preview.length} B, as the SDK kept them:`);
    expect(within(output).getByLabelText('First part of the output')).toHaveTextContent(large.output.preview);
    expect(within(output).queryByRole('link')).toBeNull();
  });

  it('says why a payload is missing instead of showing a value', async () => {
    const { region } = await openDecision('decision-large');
    const metadata = region('Metadata');
    expect(within(metadata).getByRole('heading')).toHaveTextContent('Metadata · 2.0 MiB');
    expect(within(metadata).getByRole('note')).toHaveTextContent(large.payloads.metadata.message);
    expect(metadata).not.toHaveTextContent('Not recorded');
  });

  it('shows whole and inline payloads as values, each with its size', async () => {
    const sized = fixture('decision-sized').body;
    const { region } = await openDecision('decision-sized');
    expect(within(region('Input')).getByRole('heading')).toHaveTextContent('Input · 1.0 MiB');
    expect(region('Input')).toHaveTextContent(`"title": "${sized.input.title}"`);
    expect(within(region('Output')).getByRole('heading')).toHaveTextContent(
      `Output · ${sized.payloads.output.bytes} B`
    );
    expect(region('Output')).toHaveTextContent('"kept": false');
    expect(region('Metadata')).toHaveTextContent('"match": "all"');
    // A value read whole from storage downloads too; an inline one is all in the answer.
    expect(within(region('Input')).getByRole('link', { name: 'Download (1.0 MiB)' })).toHaveAttribute(
      'download',
      `${sized.eventId}-input.json`
    );
    expect(within(region('Output')).queryByRole('link')).toBeNull();
  });

  it('says nothing was recorded when the decision has no record in storage (no payloads)', async () => {
    const { region } = await openDecision('decision-no-record');
    for (const label of ['Input', 'Output', 'Metadata']) {
      expect(within(region(label)).getByRole('heading')).toHaveTextContent(new RegExp(`^${label}$`));
      expect(region(label)).toHaveTextContent('Not recorded');
    }
  });

  it('shows the recorded demo decision with the size of each inline value', async () => {
    const decision = fixture('decision').body;
    const { region } = await openDecision('decision');
    expect(within(region('Input')).getByRole('heading')).toHaveTextContent(
      `Input · ${decision.payloads.input.bytes} B`
    );
    expect(region('Output')).toHaveTextContent('Not recorded');
  });

  describe('answers no fixture holds', () => {
    const show = (info: PayloadInfo, value?: unknown) =>
      render(
        <ApiProvider api={proxyApi(APP_PROXY_URL, API_URL)}>
          <PayloadView label="Input" value={value} info={info} fileName="e-input.json" />
        </ApiProvider>
      );

    it('says the size of a cut value is unknown when the SDK stopped before knowing it', () => {
      show({ state: 'truncated', bytes: 1234, message: 'Cut.' }, { _xray_truncated: true, preview: '[1,2' });
      expect(screen.getByRole('note')).toHaveTextContent(
        'The SDK cut this value at its size cap (its size is unknown). Cut.'
      );
    });

    it('links no download that leaves the query API', () => {
      show({ state: 'partial', bytes: 2 * 1024 * 1024, head: '[1,', download: 'https://elsewhere.example/v1/x' });
      expect(screen.getByLabelText('First part of the input')).toHaveTextContent('[1,');
      expect(screen.queryByRole('link')).toBeNull();
    });
  });
});

import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { type BackendSrv, setBackendSrv } from '@grafana/runtime';
import type { AppSettings } from '../../constants';
import AppConfig from './AppConfig';

function renderConfig(jsonData: AppSettings, keySet: boolean) {
  const fetch = vi.fn(() => of({ data: {}, status: 200 }));
  setBackendSrv({ fetch } as unknown as BackendSrv);
  const reload = vi.fn();
  Object.defineProperty(window, 'location', { value: { ...window.location, reload }, configurable: true });
  const meta = {
    id: 'xray-pipeline-app',
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields: keySet ? { apiKey: true } : {},
  };
  const props = { plugin: { meta } } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
  render(<AppConfig {...props} />);
  return { fetch, reload };
}

describe('Configuration page', () => {
  it('shows a saved key as configured, never its value, and keeps it when only the URL changes', async () => {
    const { fetch, reload } = renderConfig({ apiUrl: 'http://query:8080' }, true);
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    const url = screen.getByPlaceholderText('http://localhost:8080');
    await userEvent.clear(url);
    await userEvent.type(url, 'http://xray-query:8080/');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    const sent = (fetch.mock.calls[0] as unknown as [{ url: string; data: Record<string, unknown> }])[0];
    expect(sent.url).toBe('/api/plugins/xray-pipeline-app/settings');
    expect(sent.data).toMatchObject({ jsonData: { apiUrl: 'http://xray-query:8080' } });
    expect(sent.data.secureJsonData).toBeUndefined();
  });

  it('sends a new read key as secureJsonData', async () => {
    const { fetch } = renderConfig({}, false);
    await userEvent.type(screen.getByPlaceholderText('http://localhost:8080'), 'http://query:8080');
    await userEvent.type(screen.getByPlaceholderText('xrr_…'), 'xrr_dev_secret');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    const sent = (fetch.mock.calls[0] as unknown as [{ data: Record<string, unknown> }])[0];
    expect(sent.data.secureJsonData).toEqual({ apiKey: 'xrr_dev_secret' });
  });

  it('refuses an ingest key and a URL without a scheme, saying why', async () => {
    const { fetch } = renderConfig({}, false);
    await userEvent.type(screen.getByPlaceholderText('http://localhost:8080'), 'query:8080');
    await userEvent.type(screen.getByPlaceholderText('xrr_…'), 'xri_dev_secret');
    expect(screen.getByText('A URL starting with http:// or https://')).toBeInTheDocument();
    expect(screen.getByText('A read key starts with xrr_ (xri_ keys are for ingest only)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    expect(fetch).not.toHaveBeenCalled();
  });
});

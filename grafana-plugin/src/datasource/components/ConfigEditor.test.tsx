import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import type { XRayDataSourceOptions, XRaySecureJsonData } from '../types';

const KEY = 'xrr_3f9c0a1b2c4d_abcdefghijklmnopqrstuvwxyz012345';

function settings(patch: Partial<DataSourceSettings<XRayDataSourceOptions, XRaySecureJsonData>>) {
  return {
    id: 1,
    uid: 'xray',
    name: 'X-Ray',
    type: 'xray-pipeline-datasource',
    access: 'proxy',
    url: '',
    jsonData: { apiUrl: 'http://query:8080' },
    secureJsonFields: {},
    readOnly: false,
    ...patch,
  } as DataSourceSettings<XRayDataSourceOptions, XRaySecureJsonData>;
}

describe('ConfigEditor', () => {
  it('shows a stored key as "configured" and never its value', () => {
    // Grafana sends only secureJsonFields; a value here stands for one that must still not be shown.
    const { container } = render(
      <ConfigEditor
        options={settings({ secureJsonFields: { apiKey: true }, secureJsonData: { apiKey: KEY } })}
        onOptionsChange={() => {}}
      />
    );
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    expect(screen.getByDisplayValue('http://query:8080')).toBeInTheDocument();
    expect(container.innerHTML).not.toContain(KEY);
    expect(container.innerHTML).not.toContain(KEY.slice(-20));
  });

  it('says the key must be a read key', () => {
    render(<ConfigEditor options={settings({})} onOptionsChange={() => {}} />);
    expect(screen.getByText(/must be a read key \(xrr_…\)/)).toBeInTheDocument();
  });

  it('puts a typed key in secureJsonData, masked, and the URL in jsonData', async () => {
    const onOptionsChange = vi.fn();
    render(<ConfigEditor options={settings({ jsonData: {} })} onOptionsChange={onOptionsChange} />);
    const keyInput = screen.getByPlaceholderText('xrr_…');
    expect(keyInput).toHaveAttribute('type', 'password');

    await userEvent.type(keyInput, 'x');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { apiKey: 'x' } }));
    await userEvent.type(screen.getByPlaceholderText('http://query:8080'), 'h');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { apiUrl: 'h' } }));
  });

  it('clears a stored key on Reset', async () => {
    const onOptionsChange = vi.fn();
    render(
      <ConfigEditor options={settings({ secureJsonFields: { apiKey: true } })} onOptionsChange={onOptionsChange} />
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({ secureJsonFields: { apiKey: false }, secureJsonData: { apiKey: '' } })
    );
  });
});

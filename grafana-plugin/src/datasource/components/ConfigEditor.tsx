import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, SecretInput, Stack } from '@grafana/ui';
import type { XRayDataSourceOptions, XRaySecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<XRayDataSourceOptions, XRaySecureJsonData>;

const LABEL_WIDTH = 20;

/**
 * Where the query API is, and its read key. The key goes to secureJsonData: Grafana stores it
 * encrypted and sends back only whether it is set (secureJsonFields), so it is never shown again.
 * The key input is uncontrolled, so this code only ever writes the key, never reads it back.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, apiUrl: event.target.value.trim() } });

  const onKeyChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { apiKey: event.target.value.trim() } });

  const onKeyReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { apiKey: '' },
    });

  return (
    <Stack direction="column" gap={1}>
      <InlineField
        label="Query API URL"
        labelWidth={LABEL_WIDTH}
        tooltip="Where Grafana's server reaches the X-Ray query API, e.g. http://query:8080. Requests go through Grafana, not the browser."
      >
        <Input
          id="xray-api-url"
          width={48}
          value={jsonData.apiUrl ?? ''}
          placeholder="http://query:8080"
          onChange={onUrlChange}
        />
      </InlineField>
      <InlineField
        label="Read key"
        labelWidth={LABEL_WIDTH}
        tooltip="A read key of the project (xrr_…), from `xray create project` or `xray create key <project> --kind read`. An ingest key (xri_…) is refused."
      >
        <SecretInput
          id="xray-api-key"
          width={48}
          placeholder="xrr_…"
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          onChange={onKeyChange}
          onReset={onKeyReset}
        />
      </InlineField>
      <p>It must be a read key (xrr_…): the data source only reads, and sees only that key&apos;s project.</p>
    </Stack>
  );
}
